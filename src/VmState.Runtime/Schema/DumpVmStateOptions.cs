namespace VmState.Schema;

/// <summary>Options of <see cref="DumpVmStateWriter"/>.</summary>
public sealed record DumpVmStateOptions
{
    /// <summary>
    /// Write <c>"num"</c> for fixed arrays, as QEMU does since 2024. QEMU 7.2 does not, so turn it off to compare
    /// with a 7.2 dump. Default true.
    /// </summary>
    public bool IncludeNum { get; init; } = true;
}
