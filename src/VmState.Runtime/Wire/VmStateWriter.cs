using System.Buffers.Binary;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace VmState.Wire;

/// <summary>
/// Big-endian writer of QEMU's wire encoding over an <see cref="IBufferWriter{T}"/> or a fixed span.
/// Values are written into a span borrowed from the output; <see cref="Flush"/> hands the written bytes back.
/// The fast path is a bounds check and a store; refilling lives out of line.
/// </summary>
public ref struct VmStateWriter
{
    private const int MinimumChunk = 4096;

    private readonly IBufferWriter<byte>? _output;
    private Span<byte> _buffer;
    private int _buffered;
    private long _flushed;

    /// <summary>Writes into <paramref name="output"/>; <paramref name="baseOffset"/> is added to <see cref="Position"/>.</summary>
    public VmStateWriter(IBufferWriter<byte> output, long baseOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _buffer = default;
        _buffered = 0;
        _flushed = baseOffset;
    }

    /// <summary>Writes into a fixed span; running past its end is a <see cref="VmStateSaveException"/>.</summary>
    public VmStateWriter(Span<byte> destination)
    {
        _output = null;
        _buffer = destination;
        _buffered = 0;
        _flushed = 0;
    }

    /// <summary>
    /// Writes every subsection, needed or not. Only for a private rollback snapshot of a device (its reload must
    /// restore every field); never for a stream, where QEMU writes only needed subsections.
    /// </summary>
    public bool SaveAllSubsections { readonly get; set; }

    /// <summary>Bytes written so far (plus the base offset).</summary>
    public readonly long Position => _flushed + _buffered;

    /// <summary>Commits what has been written to the output. Call once at the end (and before using the output).</summary>
    public void Flush()
    {
        if (_output is not null && _buffered > 0)
        {
            _output.Advance(_buffered);
            _flushed += _buffered;
            _buffer = default;
            _buffered = 0;
        }
    }

    /// <summary>
    /// The next <paramref name="size"/> bytes of the output, counted as written: the caller fills them now (the
    /// generated code writes a run of fixed-size fields this way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Take(int size) => Reserve(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _buffered < size)
        {
            Refill(size);
        }

        Span<byte> span = _buffer.Slice(_buffered, size);
        _buffered += size;
        return span;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refill(int size)
    {
        if (_output is null)
        {
            VmStateThrow.SaveFailed($"Destination buffer too small: {size} more byte(s) needed", Position);
        }

        Flush();
        _buffer = _output.GetSpan(Math.Max(size, MinimumChunk));
    }

    /// <summary>One byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt8(byte value) => Reserve(1)[0] = value;

    /// <summary>One byte, two's complement.</summary>
    public void WriteInt8(sbyte value) => WriteUInt8((byte)value);

    /// <summary>QEMU's bool: one byte, 0 or 1.</summary>
    public void WriteBool(bool value) => WriteUInt8(value ? (byte)1 : (byte)0);

    /// <summary>be16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    /// <summary>be16, two's complement.</summary>
    public void WriteInt16(short value) => WriteUInt16((ushort)value);

    /// <summary>be32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    /// <summary>be32, two's complement.</summary>
    public void WriteInt32(int value) => WriteUInt32((uint)value);

    /// <summary>be64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);

    /// <summary>be64, two's complement.</summary>
    public void WriteInt64(long value) => WriteUInt64((ulong)value);

    /// <summary>IEEE double as its be64 bit pattern (QEMU's <c>float64</c>).</summary>
    public void WriteFloat64(double value) => WriteUInt64(BitConverter.DoubleToUInt64Bits(value));

    /// <summary>Raw bytes.</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int room = _buffer.Length - _buffered;
            if (room == 0)
            {
                Refill(Math.Min(bytes.Length, 1 << 16));
                room = _buffer.Length - _buffered;
            }

            int n = Math.Min(room, bytes.Length);
            bytes[..n].CopyTo(_buffer.Slice(_buffered, n));
            _buffered += n;
            bytes = bytes[n..];
        }
    }

    /// <summary><paramref name="count"/> zero bytes (QEMU's unused padding).</summary>
    public void WriteZeros(int count)
    {
        while (count > 0)
        {
            int room = _buffer.Length - _buffered;
            if (room == 0)
            {
                Refill(Math.Min(count, 1 << 16));
                room = _buffer.Length - _buffered;
            }

            int n = Math.Min(room, count);
            _buffer.Slice(_buffered, n).Clear();
            _buffered += n;
            count -= n;
        }
    }

    /// <summary>A counted string: one length byte, then the ASCII bytes, no terminator.</summary>
    public void WriteCountedString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > 255)
        {
            VmStateThrow.SaveFailed($"Name '{value}' is longer than 255 bytes", Position);
        }

        Span<byte> span = Reserve(1 + length);
        span[0] = (byte)length;
        Encoding.UTF8.GetBytes(value, span[1..]);
    }

    /// <summary>An array of bytes element by element (same bytes as <see cref="WriteBytes"/>).</summary>
    public void WriteArray(scoped ReadOnlySpan<byte> values) => WriteBytes(values);

    /// <summary>An array of signed bytes.</summary>
    public void WriteArray(scoped ReadOnlySpan<sbyte> values) => WriteBytes(MemoryMarshal.AsBytes(values));

    /// <summary>An array of bools, one byte each.</summary>
    public void WriteArray(scoped ReadOnlySpan<bool> values)
    {
        foreach (bool v in values)
        {
            WriteBool(v);
        }
    }

    /// <summary>An array of be16.</summary>
    public void WriteArray(scoped ReadOnlySpan<ushort> values)
    {
        while (!values.IsEmpty)
        {
            int n = ChunkElements(values.Length, sizeof(ushort));
            Span<byte> dst = Reserve(n * sizeof(ushort));
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(values[..n], MemoryMarshal.Cast<byte, ushort>(dst));
            }
            else
            {
                MemoryMarshal.AsBytes(values[..n]).CopyTo(dst);
            }

            values = values[n..];
        }
    }

    /// <summary>An array of be16, two's complement.</summary>
    public void WriteArray(scoped ReadOnlySpan<short> values) => WriteArray(MemoryMarshal.Cast<short, ushort>(values));

    /// <summary>An array of be32.</summary>
    public void WriteArray(scoped ReadOnlySpan<uint> values)
    {
        while (!values.IsEmpty)
        {
            int n = ChunkElements(values.Length, sizeof(uint));
            Span<byte> dst = Reserve(n * sizeof(uint));
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(values[..n], MemoryMarshal.Cast<byte, uint>(dst));
            }
            else
            {
                MemoryMarshal.AsBytes(values[..n]).CopyTo(dst);
            }

            values = values[n..];
        }
    }

    /// <summary>An array of be32, two's complement.</summary>
    public void WriteArray(scoped ReadOnlySpan<int> values) => WriteArray(MemoryMarshal.Cast<int, uint>(values));

    /// <summary>An array of be64.</summary>
    public void WriteArray(scoped ReadOnlySpan<ulong> values)
    {
        while (!values.IsEmpty)
        {
            int n = ChunkElements(values.Length, sizeof(ulong));
            Span<byte> dst = Reserve(n * sizeof(ulong));
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(values[..n], MemoryMarshal.Cast<byte, ulong>(dst));
            }
            else
            {
                MemoryMarshal.AsBytes(values[..n]).CopyTo(dst);
            }

            values = values[n..];
        }
    }

    /// <summary>An array of be64, two's complement.</summary>
    public void WriteArray(scoped ReadOnlySpan<long> values) => WriteArray(MemoryMarshal.Cast<long, ulong>(values));

    /// <summary>An array of float64.</summary>
    public void WriteArray(scoped ReadOnlySpan<double> values) => WriteArray(MemoryMarshal.Cast<double, ulong>(values));

    // How many elements of an array go into the next reservation: all when they fit in the current buffer or the
    // writer is span-backed, else a chunk small enough that the output need not grow past 64 KiB at once.
    private readonly int ChunkElements(int count, int size)
    {
        int room = (_buffer.Length - _buffered) / size;
        if (count <= room || _output is null)
        {
            return count;
        }

        return room > 0 ? room : Math.Min(count, (1 << 16) / size);
    }
}
