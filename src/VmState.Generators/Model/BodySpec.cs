namespace VmState.Generators.Model;

/// <summary>A field list with its versions and hooks: the type's own description, or one subsection.</summary>
internal sealed record BodySpec
{
    public required string Name { get; init; }

    /// <summary>
    /// The name of the enclosing subsection of a nested subsection; null for the type's own body and for the
    /// subsections directly under it.
    /// </summary>
    public string? Parent { get; init; }
    public required int Version { get; init; }
    public required int MinimumVersion { get; init; }
    public required EquatableArray<EntrySpec> Entries { get; init; }
    public HookSpec? PreSave { get; init; }
    public HookSpec? PostSave { get; init; }
    public HookSpec? PreLoad { get; init; }
    public HookSpec? PostLoad { get; init; }
    public HookSpec? Needed { get; init; }
}
