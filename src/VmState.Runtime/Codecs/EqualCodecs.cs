using VmState.Wire;

namespace VmState.Codecs;

/// <summary><c>uint8 equal</c>: 1 byte(s); the load fails unless the incoming value equals the local one.</summary>
public sealed class UInt8EqualCodec : IVmStateCodec<byte>
{
    /// <inheritdoc/>
    public static string TypeName => "uint8 equal";
    /// <inheritdoc/>
    public static int Size => 1;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, byte value) => writer.WriteUInt8(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref byte value) => Load(ref reader, ref value, null);

    /// <summary>Reads and compares; <paramref name="hint"/> is added to the error (QEMU's <c>err_hint</c>).</summary>
    public static void Load(ref VmStateReader reader, ref byte value, string? hint)
    {
        long offset = reader.Position;
        byte incoming = reader.ReadUInt8();
        if (incoming != value)
        {
            VmStateThrow.NotEqual(incoming, value, offset, hint);
        }
    }
}

/// <summary><c>uint16 equal</c>: 2 byte(s); the load fails unless the incoming value equals the local one.</summary>
public sealed class UInt16EqualCodec : IVmStateCodec<ushort>
{
    /// <inheritdoc/>
    public static string TypeName => "uint16 equal";
    /// <inheritdoc/>
    public static int Size => 2;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, ushort value) => writer.WriteUInt16(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref ushort value) => Load(ref reader, ref value, null);

    /// <summary>Reads and compares; <paramref name="hint"/> is added to the error (QEMU's <c>err_hint</c>).</summary>
    public static void Load(ref VmStateReader reader, ref ushort value, string? hint)
    {
        long offset = reader.Position;
        ushort incoming = reader.ReadUInt16();
        if (incoming != value)
        {
            VmStateThrow.NotEqual(incoming, value, offset, hint);
        }
    }
}

/// <summary><c>uint32 equal</c>: 4 byte(s); the load fails unless the incoming value equals the local one.</summary>
public sealed class UInt32EqualCodec : IVmStateCodec<uint>
{
    /// <inheritdoc/>
    public static string TypeName => "uint32 equal";
    /// <inheritdoc/>
    public static int Size => 4;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, uint value) => writer.WriteUInt32(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref uint value) => Load(ref reader, ref value, null);

    /// <summary>Reads and compares; <paramref name="hint"/> is added to the error (QEMU's <c>err_hint</c>).</summary>
    public static void Load(ref VmStateReader reader, ref uint value, string? hint)
    {
        long offset = reader.Position;
        uint incoming = reader.ReadUInt32();
        if (incoming != value)
        {
            VmStateThrow.NotEqual(incoming, value, offset, hint);
        }
    }
}

/// <summary><c>int32 equal</c>: 4 byte(s); the load fails unless the incoming value equals the local one.</summary>
public sealed class Int32EqualCodec : IVmStateCodec<int>
{
    /// <inheritdoc/>
    public static string TypeName => "int32 equal";
    /// <inheritdoc/>
    public static int Size => 4;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, int value) => writer.WriteInt32(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref int value) => Load(ref reader, ref value, null);

    /// <summary>Reads and compares; <paramref name="hint"/> is added to the error (QEMU's <c>err_hint</c>).</summary>
    public static void Load(ref VmStateReader reader, ref int value, string? hint)
    {
        long offset = reader.Position;
        int incoming = reader.ReadInt32();
        if (incoming != value)
        {
            VmStateThrow.NotEqual(incoming, value, offset, hint);
        }
    }
}

/// <summary><c>int64 equal</c> (QEMU really names it so): 8 byte(s); the load fails unless the incoming value equals the local one.</summary>
public sealed class UInt64EqualCodec : IVmStateCodec<ulong>
{
    /// <inheritdoc/>
    public static string TypeName => "int64 equal";
    /// <inheritdoc/>
    public static int Size => 8;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, ulong value) => writer.WriteUInt64(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref ulong value) => Load(ref reader, ref value, null);

    /// <summary>Reads and compares; <paramref name="hint"/> is added to the error (QEMU's <c>err_hint</c>).</summary>
    public static void Load(ref VmStateReader reader, ref ulong value, string? hint)
    {
        long offset = reader.Position;
        ulong incoming = reader.ReadUInt64();
        if (incoming != value)
        {
            VmStateThrow.NotEqual(incoming, value, offset, hint);
        }
    }
}
