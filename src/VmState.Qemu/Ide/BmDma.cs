using System.Diagnostics.CodeAnalysis;
using VmState.Description;

namespace VmState.Qemu.Ide;

/// <summary>
/// One channel's bus-master DMA engine of a PCI IDE controller in QEMU 7.2 (<c>BMDMAState</c>, <c>hw/ide/pci.c</c>,
/// description <c>ide bmdma</c>, version 3, minimum 0): command and PRD table address, the channel's retry point as
/// QEMU copies it here before saving, and two subsections: the PRD entry in progress and the real status register
/// when older QEMUs' overloaded status bits are set.
/// </summary>
[SuppressMessage("VmState.Policy", "VMS0111", Justification = "QEMU 7.2 sends version 3, carried over from its pre-VMState save format; no field depends on it.")]
[VmState("ide bmdma", Version = 3, MinimumVersion = 0)]
[Subsection(CurrentState, Version = 1)]
[Subsection(StatusState, Version = 1)]
public sealed partial class BmDma
{
    private const string CurrentState = "ide bmdma_current";
    private const string StatusState = "ide bmdma/status";

    /// <summary>Status bits older QEMUs used for the retry state (<c>BM_MIGRATION_COMPAT_STATUS_BITS</c>).</summary>
    public const byte CompatStatusBits = 0x78;

    /// <summary>Command register (start, direction).</summary>
    [VmStateField("cmd")] public byte Cmd;

    /// <summary>The status register as older QEMUs read it: real bits plus the channel's retry bits.</summary>
    [VmStateField("migration_compat_status")] public byte MigrationCompatStatus;

    /// <summary>Physical address of the PRD table.</summary>
    [VmStateField("addr")] public uint Addr;

    /// <summary>The channel's retry sector, as saved.</summary>
    [VmStateField("migration_retry_sector_num")] public long MigrationRetrySectorNum;

    /// <summary>The channel's retry sector count, as saved.</summary>
    [VmStateField("migration_retry_nsector")] public uint MigrationRetryNsector;

    /// <summary>The channel's retry unit, as saved.</summary>
    [VmStateField("migration_retry_unit")] public byte MigrationRetryUnit;

    /// <summary>Address of the PRD entry in progress.</summary>
    [VmStateField("cur_addr", Subsection = CurrentState)] public uint CurAddr;

    /// <summary>The entry in progress is the table's last.</summary>
    [VmStateField("cur_prd_last", Subsection = CurrentState)] public uint CurPrdLast;

    /// <summary>Guest address the entry in progress has reached.</summary>
    [VmStateField("cur_prd_addr", Subsection = CurrentState)] public uint CurPrdAddr;

    /// <summary>Bytes left in the entry in progress (0: none, and the subsection is left out).</summary>
    [VmStateField("cur_prd_len", Subsection = CurrentState)] public uint CurPrdLen;

    /// <summary>Status register (active, error, interrupt, drive DMA capable).</summary>
    [VmStateField("status", Subsection = StatusState)] public byte Status;

    [Needed(CurrentState)]
    private bool IsCurrentNeeded() => CurPrdLen != 0;

    [Needed(StatusState)]
    private bool IsStatusNeeded() => (Status & CompatStatusBits) != 0;
}
