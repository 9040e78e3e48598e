using VmState.Wire;

namespace VmState.Codecs;

/// <summary><c>timer</c>: the expiry time in nanoseconds as be64; -1 when the timer is not armed.</summary>
public sealed class TimerCodec : IVmStateCodec<VmTimer>
{
    /// <inheritdoc/>
    public static string TypeName => "timer";
    /// <inheritdoc/>
    public static int Size => 8;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, VmTimer value) => writer.WriteInt64(value.ExpireTime);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref VmTimer value) => value = new VmTimer(reader.ReadInt64());
}
