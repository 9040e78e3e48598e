using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>
/// One architectural last-branch record (QEMU's <c>LBREntry</c>, description <c>lbr_records_var</c>, version 1):
/// the <c>FROM</c>, <c>TO</c> and <c>INFO</c> MSRs of an entry.
/// </summary>
[VmState("lbr_records_var", Version = 1, MinimumVersion = 1, DumpSize = 24)]
public partial struct LbrEntry
{
    /// <summary>Source address of the branch.</summary>
    [VmStateField("from")]
    public ulong From;

    /// <summary>Target address of the branch.</summary>
    [VmStateField("to")]
    public ulong To;

    /// <summary>Branch type and cycle information.</summary>
    [VmStateField("info")]
    public ulong Info;
}
