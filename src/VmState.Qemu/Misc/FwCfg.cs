using VmState.Codecs;
using VmState.Description;
using VmState.Wire;

namespace VmState.Qemu.Misc;

/// <summary>
/// QEMU 7.2's firmware configuration device (<c>fw_cfg</c>, <c>hw/nvram/fw_cfg.c</c>), version 2, minimum 1: the
/// selected item and the read offset into it, then the DMA address when DMA is on and the ACPI blob sizes when
/// those are not page multiples. The I/O-port, MMIO and base device types share the description.
/// </summary>
[VmState("fw_cfg", Version = 2, MinimumVersion = 1, DeviceTypes = ["fw_cfg_io", "fw_cfg", "fw_cfg_mem"])]
[Subsection(Dma, Version = 0)]
[Subsection(AcpiMr, Version = 1)]
public sealed partial class FwCfg
{
    private const string Dma = "fw_cfg/dma";
    private const string AcpiMr = "fw_cfg/acpi_mr";

    /// <summary>The selected item (selector key).</summary>
    [VmStateField("cur_entry")]
    public ushort CurEntry;

    /// <summary>Read offset into the selected item.</summary>
    public uint CurOffset;

    // QEMU has two "cur_offset" fields: a 16-bit one that only version 1 carries (chosen by a test) and the 32-bit
    // one since version 2 (chosen by the version alone). The generator lets a name repeat for tests only when every
    // use has one, but also for distinct slices of one array; one-element slices describe exactly as single values,
    // so the two forms are the two slots of this array, synchronised with CurOffset by the hooks.
    private readonly uint[] _curOffsetSlots = new uint[2];

    // (Two members over the one array: two slices on one member generate clashing locals in ResetVmState.)
    [VmStateField("cur_offset", Start = 0, Length = 1, Exists = nameof(IsVersion1), Codec = typeof(Uint32AsUint16Codec))]
    private uint[] CurOffsetVersion1 => _curOffsetSlots;

    [VmStateField("cur_offset", Start = 1, Length = 1, Since = 2)]
    private uint[] CurOffsetVersion2 => _curOffsetSlots;

    /// <summary>Whether the DMA interface is on (the machine's <c>dma_enabled</c>; true for pc and q35 7.2).</summary>
    public bool DmaEnabled { get; set; } = true;

    /// <summary>Whether the ACPI blob sizes are migrated (the machine's <c>acpi-mr-restore</c>; true for 7.2).</summary>
    public bool AcpiMrRestore { get; set; } = true;

    /// <summary>The host page size that the ACPI blobs' memory regions are rounded to.</summary>
    public int HostPageSize { get; set; } = 4096;

    /// <summary>Guest address of the DMA control structure in use.</summary>
    [VmStateField("dma_addr", Subsection = Dma)]
    public ulong DmaAddr;

    /// <summary>Bytes of the ACPI tables blob.</summary>
    [VmStateField("table_mr_size", Subsection = AcpiMr)]
    public ulong TableMrSize;

    /// <summary>Bytes of the ACPI table-loader blob.</summary>
    [VmStateField("linker_mr_size", Subsection = AcpiMr)]
    public ulong LinkerMrSize;

    /// <summary>Bytes of the ACPI RSDP blob.</summary>
    [VmStateField("rsdp_mr_size", Subsection = AcpiMr)]
    public ulong RsdpMrSize;

    private static bool IsVersion1(int versionId) => versionId == 1;

    [PreSave]
    private void BeforeSave() => _curOffsetSlots[1] = CurOffset;

    [PostLoad]
    private void AfterLoad(int versionId) => CurOffset = _curOffsetSlots[versionId == 1 ? 0 : 1];

    [Needed(Dma)]
    private bool IsDmaNeeded() => DmaEnabled;

    [Needed(AcpiMr)]
    private bool IsAcpiMrNeeded()
    {
        ulong mask = (ulong)HostPageSize - 1;
        bool aligned = (TableMrSize & mask) == 0 && (LinkerMrSize & mask) == 0 && (RsdpMrSize & mask) == 0;
        return AcpiMrRestore && !aligned;
    }
}

/// <summary>
/// QEMU's <c>int32_as_uint16</c> info: a 32-bit member that version 1 streams carried as be16. Load only; QEMU
/// never writes it (its test admits it only for version 1), so saving writes nothing.
/// </summary>
public readonly struct Uint32AsUint16Codec : IVmStateCodec<Uint32AsUint16Codec, uint>
{
    /// <inheritdoc/>
    public static string TypeName => "int32_as_uint16";

    /// <inheritdoc/>
    public static int Size => 4;

    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, uint value)
    {
    }

    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref uint value) => value = reader.ReadUInt16();
}
