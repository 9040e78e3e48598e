using VmState.Wire;

namespace VmState.Codecs;

/// <summary><c>bool</c>: one byte; any non-zero byte reads as true.</summary>
public readonly struct BoolCodec : IVmStateFixedCodec<BoolCodec, bool>
{
    /// <inheritdoc/>
    public static string TypeName => "bool";
    /// <inheritdoc/>
    public static int Size => 1;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, bool value) => writer.WriteBool(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref bool value) => value = reader.ReadBool();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, bool value) => destination[0] = value ? (byte)1 : (byte)0;
    /// <inheritdoc/>
    public static bool Get(ReadOnlySpan<byte> source) => source[0] != 0;
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<bool> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<bool> values) => reader.ReadArray(values);
}
