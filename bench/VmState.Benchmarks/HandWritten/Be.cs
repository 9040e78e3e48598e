using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace VmState.Benchmarks.HandWritten;

/// <summary>
/// The big-endian primitives the hand-written savers and loaders are built from. Each is inlined, so a call is the
/// slice bounds check and one store or load; arrays are byte-swapped in bulk (vectorised by the runtime).
/// </summary>
internal static class Be
{
    /// <summary>QEMU_VM_SUBSECTION: the marker byte that starts a subsection.</summary>
    public const byte SubsectionMarker = 0x05;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void U8(Span<byte> d, ref int p, byte v) => d[p++] = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Bool(Span<byte> d, ref int p, bool v) => d[p++] = v ? (byte)1 : (byte)0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void U16(Span<byte> d, ref int p, ushort v)
    {
        BinaryPrimitives.WriteUInt16BigEndian(d[p..], v);
        p += 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void U32(Span<byte> d, ref int p, uint v)
    {
        BinaryPrimitives.WriteUInt32BigEndian(d[p..], v);
        p += 4;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I32(Span<byte> d, ref int p, int v)
    {
        BinaryPrimitives.WriteInt32BigEndian(d[p..], v);
        p += 4;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void U64(Span<byte> d, ref int p, ulong v)
    {
        BinaryPrimitives.WriteUInt64BigEndian(d[p..], v);
        p += 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Bytes(Span<byte> d, ref int p, ReadOnlySpan<byte> v)
    {
        v.CopyTo(d[p..]);
        p += v.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zeros(Span<byte> d, ref int p, int count)
    {
        d.Slice(p, count).Clear();
        p += count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void U16s(Span<byte> d, ref int p, ReadOnlySpan<ushort> v)
    {
        Span<ushort> to = MemoryMarshal.Cast<byte, ushort>(d.Slice(p, v.Length * sizeof(ushort)));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(v, to);
        }
        else
        {
            v.CopyTo(to);
        }

        p += v.Length * sizeof(ushort);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void U32s(Span<byte> d, ref int p, ReadOnlySpan<uint> v)
    {
        Span<uint> to = MemoryMarshal.Cast<byte, uint>(d.Slice(p, v.Length * sizeof(uint)));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(v, to);
        }
        else
        {
            v.CopyTo(to);
        }

        p += v.Length * sizeof(uint);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I32s(Span<byte> d, ref int p, ReadOnlySpan<int> v)
    {
        Span<int> to = MemoryMarshal.Cast<byte, int>(d.Slice(p, v.Length * sizeof(int)));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(v, to);
        }
        else
        {
            v.CopyTo(to);
        }

        p += v.Length * sizeof(int);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void U64s(Span<byte> d, ref int p, ReadOnlySpan<ulong> v)
    {
        Span<ulong> to = MemoryMarshal.Cast<byte, ulong>(d.Slice(p, v.Length * sizeof(ulong)));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(v, to);
        }
        else
        {
            v.CopyTo(to);
        }

        p += v.Length * sizeof(ulong);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte ReadU8(ReadOnlySpan<byte> s, ref int p) => s[p++];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ReadBool(ReadOnlySpan<byte> s, ref int p) => s[p++] != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ReadU16(ReadOnlySpan<byte> s, ref int p)
    {
        ushort v = BinaryPrimitives.ReadUInt16BigEndian(s[p..]);
        p += 2;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadU32(ReadOnlySpan<byte> s, ref int p)
    {
        uint v = BinaryPrimitives.ReadUInt32BigEndian(s[p..]);
        p += 4;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadI32(ReadOnlySpan<byte> s, ref int p)
    {
        int v = BinaryPrimitives.ReadInt32BigEndian(s[p..]);
        p += 4;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadU64(ReadOnlySpan<byte> s, ref int p)
    {
        ulong v = BinaryPrimitives.ReadUInt64BigEndian(s[p..]);
        p += 8;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReadBytes(ReadOnlySpan<byte> s, ref int p, Span<byte> to)
    {
        s.Slice(p, to.Length).CopyTo(to);
        p += to.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReadU16s(ReadOnlySpan<byte> s, ref int p, Span<ushort> to)
    {
        ReadOnlySpan<ushort> from = MemoryMarshal.Cast<byte, ushort>(s.Slice(p, to.Length * sizeof(ushort)));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(from, to);
        }
        else
        {
            from.CopyTo(to);
        }

        p += to.Length * sizeof(ushort);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReadU32s(ReadOnlySpan<byte> s, ref int p, Span<uint> to)
    {
        ReadOnlySpan<uint> from = MemoryMarshal.Cast<byte, uint>(s.Slice(p, to.Length * sizeof(uint)));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(from, to);
        }
        else
        {
            from.CopyTo(to);
        }

        p += to.Length * sizeof(uint);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReadI32s(ReadOnlySpan<byte> s, ref int p, Span<int> to)
    {
        ReadOnlySpan<int> from = MemoryMarshal.Cast<byte, int>(s.Slice(p, to.Length * sizeof(int)));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(from, to);
        }
        else
        {
            from.CopyTo(to);
        }

        p += to.Length * sizeof(int);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReadU64s(ReadOnlySpan<byte> s, ref int p, Span<ulong> to)
    {
        ReadOnlySpan<ulong> from = MemoryMarshal.Cast<byte, ulong>(s.Slice(p, to.Length * sizeof(ulong)));
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(from, to);
        }
        else
        {
            from.CopyTo(to);
        }

        p += to.Length * sizeof(ulong);
    }

    /// <summary>A subsection's whole header: marker, name length, name, be32 version. Built once per type.</summary>
    public static byte[] SubsectionHeader(string name, uint version)
    {
        byte[] header = new byte[2 + name.Length + 4];
        header[0] = SubsectionMarker;
        header[1] = checked((byte)name.Length);
        Encoding.ASCII.GetBytes(name, header.AsSpan(2));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2 + name.Length), version);
        return header;
    }

    /// <summary>
    /// Which of <paramref name="headers"/> starts at <paramref name="p"/> (then steps over it), or -1 when the bytes
    /// there are not a subsection of <paramref name="parent"/>, i.e. this body has ended. The search starts at
    /// <paramref name="hint"/>, the one after the last found, because senders write subsections in list order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NextSubsection(ReadOnlySpan<byte> s, ref int p, byte[][] headers, int hint, ReadOnlySpan<byte> parent)
    {
        if ((uint)p >= (uint)s.Length || s[p] != SubsectionMarker)
        {
            return -1;
        }

        ReadOnlySpan<byte> rest = s[p..];
        for (int k = hint; k < headers.Length; k++)
        {
            if (rest.StartsWith(headers[k]))
            {
                p += headers[k].Length;
                return k;
            }
        }

        for (int k = 0; k < hint; k++)
        {
            if (rest.StartsWith(headers[k]))
            {
                p += headers[k].Length;
                return k;
            }
        }

        return NotOurs(rest, parent);
    }

    // Rare: a marker whose header is none of ours. Another object's subsection ends this body; one named under
    // this parent is unknown or has a version we do not read, and the stream cannot be loaded.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int NotOurs(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> parent)
    {
        if (rest.Length < 2)
        {
            throw new InvalidDataException("Truncated subsection header");
        }

        int length = rest[1];
        if (length < parent.Length + 1)
        {
            return -1;
        }

        if (rest.Length < 2 + length + 4)
        {
            throw new InvalidDataException("Truncated subsection header");
        }

        if (!rest.Slice(2, length).StartsWith(parent))
        {
            return -1;
        }

        throw new InvalidDataException($"Subsection '{Encoding.ASCII.GetString(rest.Slice(2, length))}' version {BinaryPrimitives.ReadUInt32BigEndian(rest[(2 + length)..])} is not one this loader reads");
    }
}
