using VmState.Description;

namespace VmState.Qemu.Ide;

/// <summary>
/// One native command queuing slot of an AHCI port in QEMU 7.2 (<c>NCQTransferState</c>, <c>hw/ide/ahci.c</c>,
/// description <c>ncq state</c>, version 1, minimum 0).
/// </summary>
[VmState("ncq state", Version = 1, MinimumVersion = 0, DumpSize = 112)]
public sealed partial class NcqTransferState
{
    /// <summary>Sectors to transfer.</summary>
    [VmStateField("sector_count")] public uint SectorCount;

    /// <summary>First sector.</summary>
    [VmStateField("lba")] public ulong Lba;

    /// <summary>The command's NCQ tag.</summary>
    [VmStateField("tag")] public byte Tag;

    /// <summary>The FPDMA command (READ or WRITE FPDMA QUEUED, ...).</summary>
    [VmStateField("cmd")] public byte Cmd;

    /// <summary>Command list slot (equal to the tag).</summary>
    [VmStateField("slot")] public byte Slot;

    /// <summary>The slot holds a command.</summary>
    [VmStateField("used")] public bool Used;

    /// <summary>The command stopped on an error and waits to be retried.</summary>
    [VmStateField("halt")] public bool Halt;
}
