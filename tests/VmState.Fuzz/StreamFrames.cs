using System.Buffers.Binary;
using System.Text;

namespace VmState.Fuzz;

/// <summary>What a parsed piece of a migration stream is.</summary>
internal enum FrameKind
{
    Header,
    Configuration,
    Section,
    Command,
    Eof,
    VmDescription,

    /// <summary>Bytes the parser could not place (garbage, or a stream it does not understand past this point).</summary>
    Tail,
}

/// <summary>An integer on the wire that the mutator may set to a boundary value.</summary>
/// <param name="Offset">Where it starts.</param>
/// <param name="Width">1, 2, 4 or 8 bytes, big-endian.</param>
internal readonly record struct WireNumber(int Offset, int Width);

/// <summary>One frame: its bytes are <c>[Start, Start + Length)</c> of the input.</summary>
internal sealed record Frame(FrameKind Kind, int Start, int Length)
{
    /// <summary>For a section: its type byte (START, PART, END, FULL), section id and, for START/FULL, id string.</summary>
    public byte Type { get; init; }

    public int SectionId { get; init; } = -1;

    public string? IdStr { get; init; }

    /// <summary>Where the counted id string's length byte is (-1 when the frame has none).</summary>
    public int IdStrAt { get; init; } = -1;

    public int End => Start + Length;
}

/// <summary>
/// A migration stream cut into frames without any device knowledge, for the structure-aware mutator and for
/// making seeds: header, configuration (and its known subsections), sections (a body ends at its footer
/// <c>0x7e be32(id)</c>; <c>ram</c> bodies are parsed by their record format), commands, EOF and VMDESCRIPTION. It
/// also lists the wire numbers it met (lengths, ids, versions, RAM record headers and block lengths) and the
/// subsection headers found in bodies. Whatever it cannot place becomes one <see cref="FrameKind.Tail"/>.
/// </summary>
internal sealed class StreamFrames
{
    private const ulong RamEos = 0x10;
    private const ulong RamMemSize = 0x04;
    private const ulong RamContinue = 0x20;
    private const ulong RamZero = 0x02;
    private const ulong RamPage = 0x08;

    private readonly byte[] _data;
    private readonly HashSet<int> _ramIds = [];

    private StreamFrames(byte[] data) => _data = data;

    public List<Frame> Frames { get; } = [];

    public List<WireNumber> Numbers { get; } = [];

    /// <summary>Offsets of subsection markers (0x05, counted name with a '/', be32 version) inside section bodies.</summary>
    public List<int> Subsections { get; } = [];

    /// <summary>Offsets of RAM record headers (be64 address | flags).</summary>
    public List<int> RamRecords { get; } = [];

    public static bool LooksLikeStream(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(data) == 0x5145564d;

    public static StreamFrames Parse(byte[] data)
    {
        var frames = new StreamFrames(data);
        frames.Run();
        return frames;
    }

    public Frame? VmDescription => Frames.LastOrDefault(f => f.Kind == FrameKind.VmDescription);

    private void Run()
    {
        int at = 0;
        if (_data.Length < 8 || !LooksLikeStream(_data))
        {
            Add(new Frame(FrameKind.Tail, 0, _data.Length));
            return;
        }

        Numbers.Add(new WireNumber(4, 4));
        Add(new Frame(FrameKind.Header, 0, 8));
        at = 8;
        try
        {
            if (at < _data.Length && _data[at] == 0x07)
            {
                at = Configuration(at);
            }

            while (at < _data.Length)
            {
                byte type = _data[at];
                int next = type switch
                {
                    0x01 or 0x04 => StartOrFull(at, type),
                    0x02 or 0x03 => PartOrEnd(at, type),
                    0x08 => Command(at),
                    0x00 => Eof(at),
                    0x06 => Description(at),
                    _ => -1,
                };
                if (next < 0)
                {
                    break;
                }

                at = next;
            }
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            // Ran past the end while reading a frame: what is left is the tail.
        }

        Numbers.RemoveAll(n => n.Offset + n.Width > _data.Length);
        RamRecords.RemoveAll(r => r + 8 > _data.Length);
        Subsections.RemoveAll(s => s + 6 > _data.Length);
        int placed = Frames.Count == 0 ? 0 : Frames[^1].End;
        if (placed < _data.Length)
        {
            Add(new Frame(FrameKind.Tail, placed, _data.Length - placed));
        }
    }

    private void Add(Frame frame)
    {
        // A frame that claims bytes past the end is not placed: the rest becomes the tail.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frame.End, _data.Length);
        Frames.Add(frame);
    }

    private uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(at, 4));

    private ulong U64(int at) => BinaryPrimitives.ReadUInt64BigEndian(_data.AsSpan(at, 8));

    private byte U8(int at) => _data.AsSpan(at, 1)[0];

    private int Configuration(int at)
    {
        Numbers.Add(new WireNumber(at + 1, 4));
        int p = at + 5 + checked((int)U32(at + 1));
        // Known subsections: target-page-bits (be32), capabilities (be32 count, counted strings), uuid (16 bytes).
        while (p < _data.Length && U8(p) == 0x05)
        {
            int len = U8(p + 1);
            string name = Encoding.ASCII.GetString(_data, p + 2, len);
            Subsections.Add(p);
            Numbers.Add(new WireNumber(p + 1, 1));
            Numbers.Add(new WireNumber(p + 2 + len, 4));
            int body = p + 6 + len;
            if (name.EndsWith("target-page-bits", StringComparison.Ordinal))
            {
                p = body + 4;
            }
            else if (name.EndsWith("capabilities", StringComparison.Ordinal))
            {
                Numbers.Add(new WireNumber(body, 4));
                uint count = U32(body);
                p = body + 4;
                for (uint i = 0; i < count && p < _data.Length; i++)
                {
                    Numbers.Add(new WireNumber(p, 1));
                    p += 1 + U8(p);
                }
            }
            else
            {
                p = body + 16;
            }
        }

        Add(new Frame(FrameKind.Configuration, at, p - at) { Type = 0x07 });
        return p;
    }

    private int StartOrFull(int at, byte type)
    {
        int id = (int)U32(at + 1);
        int len = U8(at + 5);
        string idStr = Encoding.Latin1.GetString(_data, at + 6, len);
        int body = at + 6 + len + 8;
        _ = U64(at + 6 + len);
        Numbers.Add(new WireNumber(at + 1, 4));
        Numbers.Add(new WireNumber(at + 5, 1));
        Numbers.Add(new WireNumber(at + 6 + len, 4));
        Numbers.Add(new WireNumber(at + 10 + len, 4));
        if (idStr == "ram")
        {
            _ramIds.Add(id);
        }

        int end = Body(body, id, idStr == "ram");
        if (end < 0)
        {
            return -1;
        }

        Add(new Frame(FrameKind.Section, at, end - at) { Type = type, SectionId = id, IdStr = idStr, IdStrAt = at + 5 });
        return end;
    }

    private int PartOrEnd(int at, byte type)
    {
        int id = (int)U32(at + 1);
        Numbers.Add(new WireNumber(at + 1, 4));
        int end = Body(at + 5, id, _ramIds.Contains(id));
        if (end < 0)
        {
            return -1;
        }

        Add(new Frame(FrameKind.Section, at, end - at) { Type = type, SectionId = id });
        return end;
    }

    // A body and its footer; returns the offset after the footer, or -1.
    private int Body(int body, int id, bool ram)
    {
        int p = ram ? RamBody(body) : FindFooter(body, id);
        if (p < 0)
        {
            return -1;
        }

        if (!ram)
        {
            ScanSubsections(body, p);
        }

        if (p + 5 <= _data.Length && U8(p) == 0x7e && (int)U32(p + 1) == id)
        {
            Numbers.Add(new WireNumber(p + 1, 4));
            return p + 5;
        }

        return ram ? p : -1;
    }

    private int FindFooter(int body, int id)
    {
        Span<byte> footer = [0x7e, 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32BigEndian(footer[1..], id);
        int from = body;
        while (true)
        {
            int i = _data.AsSpan(from).IndexOf(footer);
            if (i < 0)
            {
                return -1;
            }

            int p = from + i;
            // A footer is followed by the next frame's type byte (or the end).
            if (p + 5 == _data.Length || _data[p + 5] <= 0x08)
            {
                return p;
            }

            from = p + 1;
        }
    }

    private int RamBody(int p)
    {
        while (true)
        {
            RamRecords.Add(p);
            Numbers.Add(new WireNumber(p, 8));
            ulong header = U64(p);
            ulong flags = header & 0xfff;
            p += 8;
            if ((flags & RamEos) != 0)
            {
                return p;
            }

            if ((flags & RamMemSize) != 0)
            {
                long total = (long)(header & ~0xfffUL);
                long seen = 0;
                while (seen < total)
                {
                    Numbers.Add(new WireNumber(p, 1));
                    p += 1 + U8(p);
                    Numbers.Add(new WireNumber(p, 8));
                    long length = (long)U64(p);
                    p += 8;
                    if (length <= 0)
                    {
                        return -1;
                    }

                    seen += length;
                }

                continue;
            }

            if ((flags & (RamZero | RamPage)) != 0)
            {
                if ((flags & RamContinue) == 0)
                {
                    Numbers.Add(new WireNumber(p, 1));
                    p += 1 + U8(p);
                }

                p += (flags & RamZero) != 0 ? 1 : 4096;
                if (p > _data.Length)
                {
                    return -1;
                }

                continue;
            }

            if (flags == 0x200)
            {
                continue;
            }

            return -1;
        }
    }

    private void ScanSubsections(int from, int to)
    {
        for (int i = from; i + 6 < to; i++)
        {
            if (_data[i] != 0x05)
            {
                continue;
            }

            int len = _data[i + 1];
            if (len < 3 || i + 2 + len + 4 > to)
            {
                continue;
            }

            ReadOnlySpan<byte> name = _data.AsSpan(i + 2, len);
            if (name.Contains((byte)'/') && !name.ContainsAnyExceptInRange((byte)0x21, (byte)0x7e))
            {
                Subsections.Add(i);
                Numbers.Add(new WireNumber(i + 1, 1));
                Numbers.Add(new WireNumber(i + 2 + len, 4));
            }
        }
    }

    private int Command(int at)
    {
        Numbers.Add(new WireNumber(at + 1, 2));
        Numbers.Add(new WireNumber(at + 3, 2));
        int len = BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(at + 3, 2));
        int end = at + 5 + len;
        if (end > _data.Length)
        {
            return -1;
        }

        Add(new Frame(FrameKind.Command, at, end - at) { Type = 0x08 });
        return end;
    }

    private int Eof(int at)
    {
        Add(new Frame(FrameKind.Eof, at, 1) { Type = 0 });
        return at + 1;
    }

    private int Description(int at)
    {
        Numbers.Add(new WireNumber(at + 1, 4));
        long end = at + 5 + (long)U32(at + 1);
        if (end > _data.Length)
        {
            return -1;
        }

        Add(new Frame(FrameKind.VmDescription, at, (int)end - at) { Type = 0x06 });
        return (int)end;
    }
}
