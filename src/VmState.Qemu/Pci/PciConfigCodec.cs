using VmState.Codecs;
using VmState.Generated;
using VmState.Wire;

namespace VmState.Qemu.Pci;

/// <summary>
/// QEMU's <c>pci config</c> info for a conventional PCI function: the 256-byte configuration space as raw bytes.
/// The load fills the existing array in place.
/// </summary>
public readonly struct PciConfigCodec : IVmStateCodec<PciConfigCodec, byte[]>
{
    /// <inheritdoc/>
    public static string TypeName => "pci config";

    /// <inheritdoc/>
    public static int Size => PciDevice.ConfigSpaceSize;

    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, byte[] value) => writer.WriteBytes(VmStateSpans.ForSave(value, 0, Size));

    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref byte[] value) => reader.ReadBytes(VmStateSpans.ForLoad(value, 0, Size, reader.Position));
}

/// <summary>QEMU's <c>pci config</c> info for a PCI Express function: the 4096-byte extended configuration space.</summary>
public readonly struct PcieConfigCodec : IVmStateCodec<PcieConfigCodec, byte[]>
{
    /// <inheritdoc/>
    public static string TypeName => "pci config";

    /// <inheritdoc/>
    public static int Size => PciDevice.ExpressConfigSpaceSize;

    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, byte[] value) => writer.WriteBytes(VmStateSpans.ForSave(value, 0, Size));

    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref byte[] value) => reader.ReadBytes(VmStateSpans.ForLoad(value, 0, Size, reader.Position));
}
