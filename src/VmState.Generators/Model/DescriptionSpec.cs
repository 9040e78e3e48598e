namespace VmState.Generators.Model;

/// <summary>A description (QEMU's <c>VMStateDescription</c>): the type's own, or one subsection; its fields, versions and hooks.</summary>
internal sealed record DescriptionSpec
{
    public required string Name { get; init; }

    /// <summary>
    /// The name of the enclosing subsection of a nested subsection; null for the type's own description and for the
    /// subsections directly under it.
    /// </summary>
    public string? Parent { get; init; }
    public required int Version { get; init; }
    public required int MinimumVersion { get; init; }
    public required EquatableArray<FieldSpec> Fields { get; init; }
    public HookSpec? PreSave { get; init; }
    public HookSpec? PostSave { get; init; }
    public HookSpec? PreLoad { get; init; }
    public HookSpec? PostLoad { get; init; }
    public HookSpec? Needed { get; init; }
}
