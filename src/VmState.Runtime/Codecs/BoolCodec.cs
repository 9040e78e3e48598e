using VmState.Wire;

namespace VmState.Codecs;

/// <summary><c>bool</c>: one byte; any non-zero byte reads as true.</summary>
public sealed class BoolCodec : IVmStateCodec<bool>
{
    /// <inheritdoc/>
    public static string TypeName => "bool";
    /// <inheritdoc/>
    public static int Size => 1;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, bool value) => writer.WriteBool(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref bool value) => value = reader.ReadBool();
}
