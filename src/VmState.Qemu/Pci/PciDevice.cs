using VmState.Description;

namespace VmState.Qemu.Pci;

/// <summary>
/// The state every PCI function migrates (QEMU's <c>PCIDevice</c> description, version 2): the device's own
/// description version as <c>int32 le</c>, the configuration space (256 bytes, or 4096 for PCI Express, chosen by a
/// test), and the interrupt pin levels since version 2. <see cref="VmStateAttribute.DumpSize"/> is QEMU 7.2's
/// <c>sizeof(PCIDevice)</c> on x86-64, so dumps compare equal to QEMU's.
/// </summary>
[VmState("PCIDevice", Version = 2, MinimumVersion = 1, DumpSize = 2608)]
public sealed partial class PciDevice
{
    /// <summary>Bytes of a conventional configuration space.</summary>
    public const int ConfigSpaceSize = 256;

    /// <summary>Bytes of a PCI Express configuration space.</summary>
    public const int ExpressConfigSpaceSize = 4096;

    /// <summary>INTA..INTD.</summary>
    public const int InterruptPins = 4;

    /// <summary>A function with an empty configuration space of the right size.</summary>
    public PciDevice(bool isExpress = false)
    {
        IsExpress = isExpress;
        Config = new byte[isExpress ? ExpressConfigSpaceSize : ConfigSpaceSize];
    }

    /// <summary>A PCI Express function (4 KiB configuration space).</summary>
    public bool IsExpress { get; }

    /// <summary>QEMU stores 2 here; an incoming value above it is refused.</summary>
    [VmStateField("version_id", PositiveLe = true)]
    public int VersionId = 2;

    /// <summary>The configuration space.</summary>
    [VmStateField("config", Exists = nameof(IsConventional), Codec = typeof(PciConfigCodec))]
    public byte[] Config { get; }

    // The same bytes under QEMU's second "config" entry, on the wire only for PCI Express.
    [VmStateField("config", Exists = nameof(IsExpressFunction), Codec = typeof(PcieConfigCodec))]
    private byte[] ExpressConfig => Config;

    /// <summary>Interrupt pin levels (0 or 1).</summary>
    [VmStateField("irq_state", Since = 2, Codec = typeof(PciIrqStateCodec))]
    public int[] IrqState { get; } = new int[InterruptPins];

    /// <summary>Vendor id (little-endian in configuration space, as PCI defines it).</summary>
    public ushort VendorId
    {
        get => (ushort)(Config[0] | (Config[1] << 8));
        set { Config[0] = (byte)value; Config[1] = (byte)(value >> 8); }
    }

    /// <summary>Device id.</summary>
    public ushort DeviceId
    {
        get => (ushort)(Config[2] | (Config[3] << 8));
        set { Config[2] = (byte)value; Config[3] = (byte)(value >> 8); }
    }

    private bool IsConventional() => !IsExpress;

    private bool IsExpressFunction() => IsExpress;
}
