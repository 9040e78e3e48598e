using System.Buffers.Binary;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace VmState.Wire;

/// <summary>
/// Big-endian reader of QEMU's wire encoding over a span or a (possibly multi-segment) sequence.
/// Every read is bounded by the input: running past the end throws <see cref="VmStateLoadException"/> with the
/// offset; it never reads beyond the input or allocates in proportion to a number taken from the stream.
/// </summary>
public ref struct VmStateReader
{
    private ReadOnlySpan<byte> _span;
    private int _pos;
    private long _spanStart;
    private readonly long _end;
    private readonly ReadOnlySequence<byte> _sequence;
    private SequencePosition _next;
    private readonly bool _multiSegment;

    /// <summary>Reads <paramref name="input"/>; <paramref name="baseOffset"/> is the absolute offset of its first byte.</summary>
    public VmStateReader(ReadOnlySpan<byte> input, long baseOffset = 0)
    {
        _span = input;
        _pos = 0;
        _spanStart = baseOffset;
        _end = baseOffset + input.Length;
        _sequence = default;
        _next = default;
        _multiSegment = false;
    }

    /// <summary>Reads <paramref name="input"/>; <paramref name="baseOffset"/> is the absolute offset of its first byte.</summary>
    public VmStateReader(ReadOnlySequence<byte> input, long baseOffset = 0)
    {
        _pos = 0;
        _spanStart = baseOffset;
        _end = baseOffset + input.Length;
        if (input.IsSingleSegment)
        {
            _span = input.FirstSpan;
            _sequence = default;
            _next = default;
            _multiSegment = false;
        }
        else
        {
            _sequence = input;
            _next = input.Start;
            _multiSegment = true;
            _span = default;
            input.TryGet(ref _next, out ReadOnlyMemory<byte> first, advance: true);
            _span = first.Span;
        }
    }

    /// <summary>
    /// True while a rollback reads back a snapshot this process saved: checks against the value in memory (QEMU's
    /// <c>VMSTATE_INT32_POSITIVE_LE</c>, which also stores the incoming value) are not applied, since the failed load
    /// may have lowered that value below the snapshot's.
    /// </summary>
    internal bool Restoring { get; init; }

    /// <summary>Absolute offset of the next byte.</summary>
    public readonly long Position => _spanStart + _pos;

    /// <summary>Bytes left in the input.</summary>
    public readonly long Remaining => _end - Position;

    /// <summary>True when the input is used up.</summary>
    public readonly bool End => Position >= _end;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReadSlow(scoped Span<byte> destination)
    {
        if (Remaining < destination.Length)
        {
            VmStateThrow.Truncated(Position, destination.Length, Remaining);
        }

        while (!destination.IsEmpty)
        {
            if (_pos == _span.Length)
            {
                NextSegment();
            }

            int n = Math.Min(_span.Length - _pos, destination.Length);
            _span.Slice(_pos, n).CopyTo(destination);
            _pos += n;
            destination = destination[n..];
        }
    }

    private void NextSegment()
    {
        _spanStart += _span.Length;
        _pos = 0;
        _span = default;
        while (_multiSegment && _sequence.TryGet(ref _next, out ReadOnlyMemory<byte> memory, advance: true))
        {
            if (!memory.IsEmpty)
            {
                _span = memory.Span;
                return;
            }
        }

        VmStateThrow.Truncated(Position, 1, 0);
    }

    /// <summary>The unread bytes of the current span, unconsumed: the rest of the input may lie in later segments.</summary>
    internal readonly ReadOnlySpan<byte> UnreadInSpan => _span[_pos..];

    /// <summary>
    /// The next <paramref name="size"/> bytes, consumed, when they lie in the current span; false (consuming nothing)
    /// otherwise, and the caller reads them one value at a time, so a short input fails naming its exact field.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryTake(int size, out ReadOnlySpan<byte> bytes)
    {
        if ((uint)size <= (uint)(_span.Length - _pos))
        {
            bytes = _span.Slice(_pos, size);
            _pos += size;
            return true;
        }

        bytes = default;
        return false;
    }

    /// <summary>One byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadUInt8()
    {
        if (_pos < _span.Length)
        {
            return _span[_pos++];
        }

        Span<byte> b = stackalloc byte[1];
        ReadSlow(b);
        return b[0];
    }

    /// <summary>One byte, two's complement.</summary>
    public sbyte ReadInt8() => (sbyte)ReadUInt8();

    /// <summary>QEMU's bool: any non-zero byte is true.</summary>
    public bool ReadBool() => ReadUInt8() != 0;

    /// <summary>be16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadUInt16()
    {
        if (_span.Length - _pos >= 2)
        {
            ushort value = BinaryPrimitives.ReadUInt16BigEndian(_span.Slice(_pos));
            _pos += 2;
            return value;
        }

        return ReadUInt16Slow();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ushort ReadUInt16Slow()
    {
        Span<byte> b = stackalloc byte[2];
        ReadSlow(b);
        return BinaryPrimitives.ReadUInt16BigEndian(b);
    }

    /// <summary>be16, two's complement.</summary>
    public short ReadInt16() => (short)ReadUInt16();

    /// <summary>be32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32()
    {
        if (_span.Length - _pos >= 4)
        {
            uint value = BinaryPrimitives.ReadUInt32BigEndian(_span.Slice(_pos));
            _pos += 4;
            return value;
        }

        return ReadUInt32Slow();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint ReadUInt32Slow()
    {
        Span<byte> b = stackalloc byte[4];
        ReadSlow(b);
        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    /// <summary>be32, two's complement.</summary>
    public int ReadInt32() => (int)ReadUInt32();

    /// <summary>be64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64()
    {
        if (_span.Length - _pos >= 8)
        {
            ulong value = BinaryPrimitives.ReadUInt64BigEndian(_span.Slice(_pos));
            _pos += 8;
            return value;
        }

        return ReadUInt64Slow();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong ReadUInt64Slow()
    {
        Span<byte> b = stackalloc byte[8];
        ReadSlow(b);
        return BinaryPrimitives.ReadUInt64BigEndian(b);
    }

    /// <summary>be64, two's complement.</summary>
    public long ReadInt64() => (long)ReadUInt64();

    /// <summary>IEEE double from its be64 bit pattern.</summary>
    public double ReadFloat64() => BitConverter.UInt64BitsToDouble(ReadUInt64());

    /// <summary>Fills <paramref name="destination"/> with the next bytes.</summary>
    public void ReadBytes(scoped Span<byte> destination)
    {
        if (_span.Length - _pos >= destination.Length)
        {
            _span.Slice(_pos, destination.Length).CopyTo(destination);
            _pos += destination.Length;
            return;
        }

        ReadSlow(destination);
    }

    /// <summary>Skips <paramref name="count"/> bytes (QEMU's unused padding).</summary>
    public void Skip(long count)
    {
        if (count < 0 || Remaining < count)
        {
            VmStateThrow.Truncated(Position, count, Remaining);
        }

        while (count > 0)
        {
            if (_pos == _span.Length)
            {
                NextSegment();
            }

            int n = (int)Math.Min(_span.Length - _pos, count);
            _pos += n;
            count -= n;
        }
    }

    /// <summary>Throws unless <paramref name="count"/> elements of <paramref name="elementSize"/> bytes can still be read.</summary>
    public readonly void EnsureAvailable(long count, long elementSize)
    {
        if (count < 0 || (elementSize > 0 && count > Remaining / elementSize))
        {
            VmStateThrow.CountTooLarge(count, elementSize, Remaining, Position);
        }
    }

    /// <summary>Copies the next bytes into <paramref name="destination"/> without consuming them; false if the input is shorter.</summary>
    public readonly bool TryPeek(scoped Span<byte> destination)
    {
        if (Remaining < destination.Length)
        {
            return false;
        }

        VmStateReader copy = this;
        copy.ReadBytes(destination);
        return true;
    }

    /// <summary>The next byte without consuming it, or -1 at the end of the input.</summary>
    public readonly int PeekByte()
    {
        if (_pos < _span.Length)
        {
            return _span[_pos];
        }

        Span<byte> b = stackalloc byte[1];
        return TryPeek(b) ? b[0] : -1;
    }

    /// <summary>A counted string (one length byte, then that many bytes). Allocates: use for headers only.</summary>
    public string ReadCountedString()
    {
        int length = ReadUInt8();
        Span<byte> bytes = stackalloc byte[255];
        ReadBytes(bytes[..length]);
        return Encoding.UTF8.GetString(bytes[..length]);
    }

    /// <summary>Fills an array of bytes.</summary>
    public void ReadArray(scoped Span<byte> values) => ReadBytes(values);

    /// <summary>Fills an array of signed bytes.</summary>
    public void ReadArray(scoped Span<sbyte> values) => ReadBytes(MemoryMarshal.AsBytes(values));

    /// <summary>Fills an array of bools.</summary>
    public void ReadArray(scoped Span<bool> values)
    {
        EnsureAvailable(values.Length, 1);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ReadBool();
        }
    }

    /// <summary>Fills an array of be16.</summary>
    public void ReadArray(scoped Span<ushort> values)
    {
        EnsureAvailable(values.Length, sizeof(ushort));
        ReadBytes(MemoryMarshal.AsBytes(values));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(values, values);
        }
    }

    /// <summary>Fills an array of be16, two's complement.</summary>
    public void ReadArray(scoped Span<short> values) => ReadArray(MemoryMarshal.Cast<short, ushort>(values));

    /// <summary>Fills an array of be32.</summary>
    public void ReadArray(scoped Span<uint> values)
    {
        EnsureAvailable(values.Length, sizeof(uint));
        ReadBytes(MemoryMarshal.AsBytes(values));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(values, values);
        }
    }

    /// <summary>Fills an array of be32, two's complement.</summary>
    public void ReadArray(scoped Span<int> values) => ReadArray(MemoryMarshal.Cast<int, uint>(values));

    /// <summary>Fills an array of be64.</summary>
    public void ReadArray(scoped Span<ulong> values)
    {
        EnsureAvailable(values.Length, sizeof(ulong));
        ReadBytes(MemoryMarshal.AsBytes(values));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(values, values);
        }
    }

    /// <summary>Fills an array of be64, two's complement.</summary>
    public void ReadArray(scoped Span<long> values) => ReadArray(MemoryMarshal.Cast<long, ulong>(values));

    /// <summary>Fills an array of float64.</summary>
    public void ReadArray(scoped Span<double> values) => ReadArray(MemoryMarshal.Cast<double, ulong>(values));
}
