using VmState.Wire;

namespace VmState.Codecs;

/// <summary><c>int8</c>: 1 byte(s), big-endian.</summary>
public sealed class Int8Codec : IVmStateCodec<sbyte>
{
    /// <inheritdoc/>
    public static string TypeName => "int8";
    /// <inheritdoc/>
    public static int Size => 1;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, sbyte value) => writer.WriteInt8(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref sbyte value) => value = reader.ReadInt8();
}

/// <summary><c>uint8</c>: 1 byte(s), big-endian.</summary>
public sealed class UInt8Codec : IVmStateCodec<byte>
{
    /// <inheritdoc/>
    public static string TypeName => "uint8";
    /// <inheritdoc/>
    public static int Size => 1;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, byte value) => writer.WriteUInt8(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref byte value) => value = reader.ReadUInt8();
}

/// <summary><c>int16</c>: 2 byte(s), big-endian.</summary>
public sealed class Int16Codec : IVmStateCodec<short>
{
    /// <inheritdoc/>
    public static string TypeName => "int16";
    /// <inheritdoc/>
    public static int Size => 2;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, short value) => writer.WriteInt16(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref short value) => value = reader.ReadInt16();
}

/// <summary><c>uint16</c>: 2 byte(s), big-endian.</summary>
public sealed class UInt16Codec : IVmStateCodec<ushort>
{
    /// <inheritdoc/>
    public static string TypeName => "uint16";
    /// <inheritdoc/>
    public static int Size => 2;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, ushort value) => writer.WriteUInt16(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref ushort value) => value = reader.ReadUInt16();
}

/// <summary><c>int32</c>: 4 byte(s), big-endian.</summary>
public sealed class Int32Codec : IVmStateCodec<int>
{
    /// <inheritdoc/>
    public static string TypeName => "int32";
    /// <inheritdoc/>
    public static int Size => 4;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, int value) => writer.WriteInt32(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref int value) => value = reader.ReadInt32();
}

/// <summary><c>uint32</c>: 4 byte(s), big-endian.</summary>
public sealed class UInt32Codec : IVmStateCodec<uint>
{
    /// <inheritdoc/>
    public static string TypeName => "uint32";
    /// <inheritdoc/>
    public static int Size => 4;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, uint value) => writer.WriteUInt32(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref uint value) => value = reader.ReadUInt32();
}

/// <summary><c>int64</c>: 8 byte(s), big-endian.</summary>
public sealed class Int64Codec : IVmStateCodec<long>
{
    /// <inheritdoc/>
    public static string TypeName => "int64";
    /// <inheritdoc/>
    public static int Size => 8;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, long value) => writer.WriteInt64(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref long value) => value = reader.ReadInt64();
}

/// <summary><c>uint64</c>: 8 byte(s), big-endian.</summary>
public sealed class UInt64Codec : IVmStateCodec<ulong>
{
    /// <inheritdoc/>
    public static string TypeName => "uint64";
    /// <inheritdoc/>
    public static int Size => 8;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, ulong value) => writer.WriteUInt64(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref ulong value) => value = reader.ReadUInt64();
}
