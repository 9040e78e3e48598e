using VmState.Wire;

namespace VmState.Codecs;

/// <summary>
/// <c>CPU_Double_U</c> (QEMU's <c>VMSTATE_CPUDOUBLE_ARRAY</c>, the floating-point registers of ppc and sparc): a double
/// as its upper then its lower 32 bits, each big-endian. The bytes equal <c>float64</c>'s; the type name differs, and
/// QEMU's tools match on it.
/// </summary>
public readonly struct CpuDoubleCodec : IVmStateCodec<CpuDoubleCodec, double>
{
    /// <inheritdoc/>
    public static string TypeName => "CPU_Double_U";
    /// <inheritdoc/>
    public static int Size => 8;

    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, double value)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        writer.WriteUInt32((uint)(bits >> 32));
        writer.WriteUInt32((uint)bits);
    }

    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref double value)
    {
        ulong upper = reader.ReadUInt32();
        ulong lower = reader.ReadUInt32();
        value = BitConverter.UInt64BitsToDouble((upper << 32) | lower);
    }
}
