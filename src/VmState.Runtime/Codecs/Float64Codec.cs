using VmState.Wire;

namespace VmState.Codecs;

/// <summary><c>float64</c>: the IEEE bit pattern as be64.</summary>
public readonly struct Float64Codec : IVmStateFixedCodec<Float64Codec, double>
{
    /// <inheritdoc/>
    public static string TypeName => "float64";
    /// <inheritdoc/>
    public static int Size => 8;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, double value) => writer.WriteFloat64(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref double value) => value = reader.ReadFloat64();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, double value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, BitConverter.DoubleToUInt64Bits(value));
    /// <inheritdoc/>
    public static double Get(ReadOnlySpan<byte> source) => BitConverter.UInt64BitsToDouble(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source));
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<double> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<double> values) => reader.ReadArray(values);
}
