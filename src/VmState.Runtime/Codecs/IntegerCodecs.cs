using VmState.Wire;

namespace VmState.Codecs;

/// <summary><c>int8</c>: 1 byte(s), big-endian.</summary>
public readonly struct Int8Codec : IVmStateFixedCodec<Int8Codec, sbyte>
{
    /// <inheritdoc/>
    public static string TypeName => "int8";
    /// <inheritdoc/>
    public static int Size => 1;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, sbyte value) => writer.WriteInt8(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref sbyte value) => value = reader.ReadInt8();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, sbyte value) => destination[0] = (byte)value;
    /// <inheritdoc/>
    public static sbyte Get(ReadOnlySpan<byte> source) => (sbyte)source[0];
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<sbyte> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<sbyte> values) => reader.ReadArray(values);
}

/// <summary><c>uint8</c>: 1 byte(s), big-endian.</summary>
public readonly struct UInt8Codec : IVmStateFixedCodec<UInt8Codec, byte>
{
    /// <inheritdoc/>
    public static string TypeName => "uint8";
    /// <inheritdoc/>
    public static int Size => 1;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, byte value) => writer.WriteUInt8(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref byte value) => value = reader.ReadUInt8();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, byte value) => destination[0] = value;
    /// <inheritdoc/>
    public static byte Get(ReadOnlySpan<byte> source) => source[0];
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<byte> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<byte> values) => reader.ReadArray(values);
}

/// <summary><c>int16</c>: 2 byte(s), big-endian.</summary>
public readonly struct Int16Codec : IVmStateFixedCodec<Int16Codec, short>
{
    /// <inheritdoc/>
    public static string TypeName => "int16";
    /// <inheritdoc/>
    public static int Size => 2;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, short value) => writer.WriteInt16(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref short value) => value = reader.ReadInt16();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, short value) => System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(destination, value);
    /// <inheritdoc/>
    public static short Get(ReadOnlySpan<byte> source) => System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(source);
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<short> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<short> values) => reader.ReadArray(values);
}

/// <summary><c>uint16</c>: 2 byte(s), big-endian.</summary>
public readonly struct UInt16Codec : IVmStateFixedCodec<UInt16Codec, ushort>
{
    /// <inheritdoc/>
    public static string TypeName => "uint16";
    /// <inheritdoc/>
    public static int Size => 2;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, ushort value) => writer.WriteUInt16(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref ushort value) => value = reader.ReadUInt16();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, ushort value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(destination, value);
    /// <inheritdoc/>
    public static ushort Get(ReadOnlySpan<byte> source) => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(source);
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<ushort> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<ushort> values) => reader.ReadArray(values);
}

/// <summary><c>int32</c>: 4 byte(s), big-endian.</summary>
public readonly struct Int32Codec : IVmStateFixedCodec<Int32Codec, int>
{
    /// <inheritdoc/>
    public static string TypeName => "int32";
    /// <inheritdoc/>
    public static int Size => 4;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, int value) => writer.WriteInt32(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref int value) => value = reader.ReadInt32();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, int value) => System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination, value);
    /// <inheritdoc/>
    public static int Get(ReadOnlySpan<byte> source) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(source);
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<int> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<int> values) => reader.ReadArray(values);
}

/// <summary><c>uint32</c>: 4 byte(s), big-endian.</summary>
public readonly struct UInt32Codec : IVmStateFixedCodec<UInt32Codec, uint>
{
    /// <inheritdoc/>
    public static string TypeName => "uint32";
    /// <inheritdoc/>
    public static int Size => 4;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, uint value) => writer.WriteUInt32(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref uint value) => value = reader.ReadUInt32();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, uint value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(destination, value);
    /// <inheritdoc/>
    public static uint Get(ReadOnlySpan<byte> source) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(source);
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<uint> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<uint> values) => reader.ReadArray(values);
}

/// <summary><c>int64</c>: 8 byte(s), big-endian.</summary>
public readonly struct Int64Codec : IVmStateFixedCodec<Int64Codec, long>
{
    /// <inheritdoc/>
    public static string TypeName => "int64";
    /// <inheritdoc/>
    public static int Size => 8;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, long value) => writer.WriteInt64(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref long value) => value = reader.ReadInt64();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, long value) => System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(destination, value);
    /// <inheritdoc/>
    public static long Get(ReadOnlySpan<byte> source) => System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(source);
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<long> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<long> values) => reader.ReadArray(values);
}

/// <summary><c>uint64</c>: 8 byte(s), big-endian.</summary>
public readonly struct UInt64Codec : IVmStateFixedCodec<UInt64Codec, ulong>
{
    /// <inheritdoc/>
    public static string TypeName => "uint64";
    /// <inheritdoc/>
    public static int Size => 8;
    /// <inheritdoc/>
    public static void Save(ref VmStateWriter writer, ulong value) => writer.WriteUInt64(value);
    /// <inheritdoc/>
    public static void Load(ref VmStateReader reader, ref ulong value) => value = reader.ReadUInt64();
    /// <inheritdoc/>
    public static void Put(Span<byte> destination, ulong value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, value);
    /// <inheritdoc/>
    public static ulong Get(ReadOnlySpan<byte> source) => System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source);
    /// <inheritdoc/>
    public static void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<ulong> values) => writer.WriteArray(values);
    /// <inheritdoc/>
    public static void LoadArray(ref VmStateReader reader, scoped Span<ulong> values) => reader.ReadArray(values);
}
