namespace VmState.Generators.Model;

/// <summary>Everything the emitter needs to write one described type.</summary>
internal sealed record TypeSpec
{
    /// <summary>Namespace, or empty for the global namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Declarations of containing types, outermost first (<c>partial class Outer</c>).</summary>
    public required EquatableArray<string> ContainingTypes { get; init; }

    /// <summary><c>partial class Name</c> / <c>partial struct Name</c> / <c>partial record ...</c>.</summary>
    public required string Declaration { get; init; }

    public required string FullyQualifiedName { get; init; }
    public required string HintName { get; init; }
    public required bool IsValueType { get; init; }

    public required DescriptionSpec Description { get; init; }
    /// <summary>Every subsection at any depth, in wire order: each one directly followed by its own subsections.</summary>
    public required EquatableArray<DescriptionSpec> Subsections { get; init; }

    public int Priority { get; init; }

    /// <summary>The <c>MigrationPriority</c> member that has <see cref="Priority"/>, or null when none has.</summary>
    public string? PriorityName { get; init; }
    public bool Unmigratable { get; init; }
    public bool EarlySetup { get; init; }
    public string? DeviceType { get; init; }

    /// <summary>Every <c>-dump-vmstate</c> key when there are several (<c>DeviceTypes</c>), first = <see cref="DeviceType"/>; else empty.</summary>
    public EquatableArray<string> DeviceTypes { get; init; } = EquatableArray<string>.Empty;
    public int DumpSize { get; init; }
    public HookSpec? DevUnplugPending { get; init; }
}

/// <summary>
/// What parsing one type yields: a spec when it can be generated, else a stand-in when the type can still take members
/// (it is partial and not generic), and the diagnostics either way.
/// </summary>
internal sealed record ParseResult(TypeSpec? Spec, StandInSpec? StandIn, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// A described type the generator reported errors for: it still gets <c>IVmStateObject</c>'s members (which throw),
/// so that the build shows the generator's error and not the follow-on errors of code that uses the type.
/// </summary>
internal sealed record StandInSpec(string Namespace, EquatableArray<string> ContainingTypes, string Declaration, string HintName, string TypeName);
