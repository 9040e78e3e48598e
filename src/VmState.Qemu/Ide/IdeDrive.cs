using VmState.Description;

namespace VmState.Qemu.Ide;

/// <summary>
/// One IDE/ATAPI drive slot of QEMU 7.2 (<c>IDEState</c>, <c>hw/ide/core.c</c>, description <c>ide_drive</c>,
/// version 3, minimum 0): the task file, the IDENTIFY data once built, the ATAPI sense, and three subsections: a PIO
/// transfer in flight, the tray, and pending media events. An empty slot migrates too.
/// </summary>
[VmState("ide_drive", Version = 3, MinimumVersion = 0, DumpSize = 984)]
[Subsection(PioState, Version = 1)]
[Subsection(TrayState, Version = 1)]
[Subsection(GesnState, Version = 1)]
public sealed partial class IdeDrive
{
    private const string PioState = "ide_drive/pio_state";
    private const string TrayState = "ide_drive/tray_state";
    private const string GesnState = "ide_drive/atapi/gesn_state";

    /// <summary>Status bit: data request (<c>DRQ_STAT</c>).</summary>
    public const byte DrqStat = 0x08;

    /// <summary>Bytes of the transfer buffer: 256 sectors and 4 spare bytes (<c>io_buffer_total_len</c>).</summary>
    public const int IoBufferSize = 256 * 512 + 4;

    /// <summary>A drive slot on no channel.</summary>
    public IdeDrive()
    {
    }

    /// <summary>A drive slot on <paramref name="bus"/>.</summary>
    public IdeDrive(IdeBus bus) => Bus = bus;

    /// <summary>The channel, whose pending PIO retry also sends the PIO state.</summary>
    public IdeBus? Bus { get; }

    /// <summary>Sectors per READ/WRITE MULTIPLE block.</summary>
    [VmStateField("mult_sectors")] public int MultSectors;

    /// <summary>Nonzero once <see cref="IdentifyData"/> has been built (and then it is migrated).</summary>
    [VmStateField("identify_set")] public int IdentifySet;

    /// <summary>The IDENTIFY (PACKET) DEVICE response.</summary>
    [VmStateField("identify_data", Length = 512, Exists = nameof(IsIdentifySet))]
    public byte[] IdentifyData { get; } = new byte[512];

    /// <summary>Features register.</summary>
    [VmStateField("feature")] public byte Feature;

    /// <summary>Error register.</summary>
    [VmStateField("error")] public byte Error;

    /// <summary>Sector count.</summary>
    [VmStateField("nsector")] public uint Nsector;

    /// <summary>Sector number (LBA 7:0).</summary>
    [VmStateField("sector")] public byte Sector;

    /// <summary>Cylinder low (LBA 15:8).</summary>
    [VmStateField("lcyl")] public byte Lcyl;

    /// <summary>Cylinder high (LBA 23:16).</summary>
    [VmStateField("hcyl")] public byte Hcyl;

    /// <summary>Previous features byte (LBA48).</summary>
    [VmStateField("hob_feature")] public byte HobFeature;

    /// <summary>Previous sector number byte (LBA48).</summary>
    [VmStateField("hob_sector")] public byte HobSector;

    /// <summary>Previous sector count byte (LBA48).</summary>
    [VmStateField("hob_nsector")] public byte HobNsector;

    /// <summary>Previous cylinder low byte (LBA48).</summary>
    [VmStateField("hob_lcyl")] public byte HobLcyl;

    /// <summary>Previous cylinder high byte (LBA48).</summary>
    [VmStateField("hob_hcyl")] public byte HobHcyl;

    /// <summary>Drive/head register.</summary>
    [VmStateField("select")] public byte Select;

    /// <summary>Status register.</summary>
    [VmStateField("status")] public byte Status;

    /// <summary>The command in progress uses 48-bit addressing.</summary>
    [VmStateField("lba48")] public byte Lba48;

    /// <summary>ATAPI sense key.</summary>
    [VmStateField("sense_key")] public byte SenseKey;

    /// <summary>ATAPI additional sense code.</summary>
    [VmStateField("asc")] public byte Asc;

    /// <summary>The medium changed since the guest last looked (since version 3).</summary>
    [VmStateField("cdrom_changed", Since = 3)] public byte CdromChanged;

    /// <summary>Sectors per interrupt of the PIO command in progress.</summary>
    [VmStateField("req_nb_sectors", Subsection = PioState)] public int ReqNbSectors;

    /// <summary>The transfer buffer, migrated whole with the PIO state.</summary>
    [VmStateField("io_buffer", Since = 1, Count = nameof(IoBufferTotalLen), AsArray = true, Subsection = PioState)]
    public byte[] IoBuffer { get; } = new byte[IoBufferSize];

    /// <summary>Offset of the PIO data pointer in <see cref="IoBuffer"/>.</summary>
    [VmStateField("cur_io_buffer_offset", Subsection = PioState)] public int CurIoBufferOffset;

    /// <summary>Bytes left before the end of the current PIO block.</summary>
    [VmStateField("cur_io_buffer_len", Subsection = PioState)] public int CurIoBufferLen;

    /// <summary>
    /// What runs when the block is done: 0 sector read, 1 sector write, 2 stop, 3 ATAPI reply, 4 ATAPI command,
    /// 5 dummy stop.
    /// </summary>
    [VmStateField("end_transfer_fn_idx", Subsection = PioState)] public byte EndTransferFnIdx;

    /// <summary>ATAPI: bytes of the current DRQ block.</summary>
    [VmStateField("elementary_transfer_size", Subsection = PioState)] public int ElementaryTransferSize;

    /// <summary>ATAPI: bytes left in the packet transfer.</summary>
    [VmStateField("packet_transfer_size", Subsection = PioState)] public int PacketTransferSize;

    /// <summary>The CD tray is open.</summary>
    [VmStateField("tray_open", Subsection = TrayState)] public bool TrayOpen;

    /// <summary>The guest locked the tray (PREVENT MEDIUM REMOVAL).</summary>
    [VmStateField("tray_locked", Subsection = TrayState)] public bool TrayLocked;

    /// <summary>GET EVENT STATUS NOTIFICATION: new medium event pending.</summary>
    [VmStateField("events.new_media", Subsection = GesnState)] public bool EventsNewMedia;

    /// <summary>GET EVENT STATUS NOTIFICATION: eject request pending.</summary>
    [VmStateField("events.eject_request", Subsection = GesnState)] public bool EventsEjectRequest;

    /// <summary>Length of <see cref="IoBuffer"/> on the wire; a configuration value, not migrated.</summary>
    public int IoBufferTotalLen { get; } = IoBufferSize;

    private bool IsIdentifySet() => IdentifySet != 0;

    [Needed(PioState)]
    private bool IsPioStateNeeded() => (Status & DrqStat) != 0 || ((Bus?.ErrorStatus ?? 0) & IdeBus.RetryPio) != 0;

    [Needed(TrayState)]
    private bool IsTrayStateNeeded() => TrayOpen || TrayLocked;

    [Needed(GesnState)]
    private bool IsGesnStateNeeded() => EventsNewMedia || EventsEjectRequest;
}
