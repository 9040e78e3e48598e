using VmState.Description;

namespace VmState.Qemu.Ide;

/// <summary>
/// One IDE channel of QEMU 7.2 (<c>IDEBus</c>, <c>hw/ide/core.c</c>, description <c>ide_bus</c>, version 1): the
/// device control register and the selected unit, plus the pending error and its retry point in the
/// <c>ide_bus/error</c> subsection. The channel owns its master and slave drives (<see cref="Ifs"/>); which of them
/// are migrated is up to the controller.
/// </summary>
[VmState("ide_bus", Version = 1, MinimumVersion = 1, DumpSize = 2304)]
[Subsection(ErrorState, Version = 2, MinimumVersion = 1)]
public sealed partial class IdeBus
{
    private const string ErrorState = "ide_bus/error";

    /// <summary>Bits of <see cref="ErrorStatus"/>: a PIO transfer is to be retried (<c>IDE_RETRY_PIO</c>).</summary>
    public const int RetryPio = 0x10;

    /// <summary>A channel with two empty drive slots.</summary>
    public IdeBus() => Ifs = [new IdeDrive(this), new IdeDrive(this)];

    /// <summary>The master (0) and slave (1) drive state.</summary>
    public IdeDrive[] Ifs { get; }

    /// <summary>Device control register (nIEN, SRST).</summary>
    [VmStateField("cmd")] public byte Cmd;

    /// <summary>The selected drive, 0 or 1.</summary>
    [VmStateField("unit")] public byte Unit;

    /// <summary>The operation to retry when the VM resumes (<c>IDE_RETRY_*</c> bits), 0 when none.</summary>
    [VmStateField("error_status", Subsection = ErrorState)] public int ErrorStatus;

    /// <summary>First sector of the operation to retry.</summary>
    [VmStateField("retry_sector_num", Since = 2, Subsection = ErrorState)] public long RetrySectorNum;

    /// <summary>Sector count of the operation to retry.</summary>
    [VmStateField("retry_nsector", Since = 2, Subsection = ErrorState)] public uint RetryNsector;

    /// <summary>Unit of the operation to retry.</summary>
    [VmStateField("retry_unit", Since = 2, Subsection = ErrorState)] public byte RetryUnit;

    [Needed(ErrorState)]
    private bool IsErrorNeeded() => ErrorStatus != 0;
}
