using System.Collections.Immutable;

namespace VmState.Generators.Tests.Compatibility.Mutations;

/// <summary>What a mutation does to a device's description.</summary>
internal enum MutationKind
{
    Reorder,
    Retype,
    Remove,
    Add,
    Rename,
    ResizeArray,
    Subsection,
    Version,
    Since,
    Exists,
    Unused,
    EnumType,
    CountType,
    StructSize,
}

/// <summary>What a mutation is, by the wire format, and so what the build and the checker must say.</summary>
internal enum Expectation
{
    /// <summary>A break that <c>check</c> reports: the build must fail.</summary>
    VisibleBreak,

    /// <summary>A break that <c>check</c> cannot see (it reports no error): the build must fail anyway.</summary>
    HiddenBreak,

    /// <summary>A shipped field renamed in place: <c>check</c> reports it; the build warns (VMS0108) and does not fail.</summary>
    Rename,

    /// <summary>A safe evolution: neither the build nor <c>check</c> reports an error.</summary>
    Safe,

    /// <summary>
    /// A rename recorded with <c>FormerName</c>: plain <c>check</c> reports it, <c>check</c> told the recorded renames
    /// (<c>--former-names</c>) does not, and the build says nothing.
    /// </summary>
    RecordedRename,
}

/// <summary>
/// One seeded or hand-written edit of the sample machine's device sources. <see cref="Edits"/> make the mutated
/// sources from the repository's; the baseline is <c>vmstate/shipped.json</c>, unless <see cref="Shipped"/> is set:
/// then those edits make the release that shipped (for a kind the devices do not have yet, such as an enum field),
/// its own dump is the baseline, and <see cref="Edits"/> (again from the repository's sources) make the next one.
/// </summary>
/// <param name="Name">Unique, says what changed: <c>retype cpu.env.tsc ulong -&gt; uint</c>.</param>
/// <param name="Rule">The analyzer rule expected to fire (an error, or VMS0108's warning); null for a safe evolution.</param>
internal sealed record DeviceMutation(string Name, MutationKind Kind, Expectation Expect, string? Rule, ImmutableArray<SourceEdit> Edits)
{
    /// <summary>Edits that make the shipped release, when it is not the repository's; empty otherwise.</summary>
    public ImmutableArray<SourceEdit> Shipped { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() => Name;
}
