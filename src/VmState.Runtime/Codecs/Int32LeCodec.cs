using System.Globalization;
using VmState.Wire;

namespace VmState.Codecs;

/// <summary>
/// <c>int32 le</c> (QEMU's <c>VMSTATE_INT32_POSITIVE_LE</c>): be32; the load accepts only 0 ≤ incoming ≤ local and
/// then stores it. QEMU uses it for a PCI device's <c>version_id</c>.
/// </summary>
public readonly struct Int32LeCodec : IVmStateCodec<Int32LeCodec, int>
{
    /// <inheritdoc/>
    public static string TypeName => "int32 le";
    /// <inheritdoc/>
    public static int Size => 4;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, int value) => writer.WriteInt32(value);

    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref int value)
    {
        long offset = reader.Position;
        int incoming = reader.ReadInt32();
        if ((incoming < 0 || incoming > value) && !reader.Restoring)
        {
            VmStateThrow.CheckFailed(string.Create(CultureInfo.InvariantCulture,
                $"Incoming value {incoming} is not in [0, {value}]"), offset);
        }

        value = incoming;
    }
}
