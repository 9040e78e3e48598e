using VmState.Wire;

namespace VmState.Codecs;

/// <summary><c>float64</c>: the IEEE bit pattern as be64.</summary>
public sealed class Float64Codec : IVmStateCodec<double>
{
    /// <inheritdoc/>
    public static string TypeName => "float64";
    /// <inheritdoc/>
    public static int Size => 8;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, double value) => writer.WriteFloat64(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref double value) => value = reader.ReadFloat64();
}
