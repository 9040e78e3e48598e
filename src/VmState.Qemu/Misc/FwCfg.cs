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
    // QEMU sends it twice under one name: as be16 in version 1 streams only (chosen by a test), and as be32 since
    // version 2 (chosen by the version).
    [VmStateField("cur_offset", Exists = nameof(IsVersion1), Codec = typeof(Uint32AsUint16Codec))]
    [VmStateField("cur_offset", Since = 2)]
    public uint CurOffset;

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
/// QEMU's <c>int32_as_uint16</c> info: a 32-bit member carried as be16 (version 1 streams of fw_cfg; its test keeps it
/// out of every stream written now).
/// </summary>
public readonly struct Uint32AsUint16Codec : IVmStateCodec<Uint32AsUint16Codec, uint>
{
    /// <inheritdoc/>
    public static string TypeName => "int32_as_uint16";

    /// <inheritdoc/>
    public static int Size => 4;

    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, uint value) => writer.WriteUInt16((ushort)value);

    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref uint value) => value = reader.ReadUInt16();
}
