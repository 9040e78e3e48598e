using System.Globalization;
using VmState.Codecs;
using VmState.Generated;
using VmState.Wire;

namespace VmState.Qemu.Pci;

/// <summary>
/// QEMU's <c>pci irq state</c> info: the level of each of the four interrupt pins as be32; a loaded level other
/// than 0 or 1 is refused, as QEMU does.
/// </summary>
public readonly struct PciIrqStateCodec : IVmStateCodec<PciIrqStateCodec, int[]>
{
    /// <inheritdoc/>
    public static string TypeName => "pci irq state";

    /// <inheritdoc/>
    public static int Size => PciDevice.InterruptPins * 4;

    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, int[] value) =>
        writer.WriteArray((ReadOnlySpan<int>)VmStateSpans.ForSave(value, 0, PciDevice.InterruptPins));

    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref int[] value)
    {
        Span<int> pins = VmStateSpans.ForLoad(value, 0, PciDevice.InterruptPins, reader.Position);
        Span<int> incoming = stackalloc int[PciDevice.InterruptPins];
        long offset = reader.Position;
        reader.ReadArray(incoming);
        for (int i = 0; i < incoming.Length; i++)
        {
            if (incoming[i] is not (0 or 1))
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Interrupt pin {i} level {incoming[i]} is neither 0 nor 1"), offset + (4 * i));
            }
        }

        incoming.CopyTo(pins);
    }
}
