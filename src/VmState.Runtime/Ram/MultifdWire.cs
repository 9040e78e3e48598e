using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using VmState.Wire;

namespace VmState.Ram;

/// <summary>
/// QEMU 7.2's multifd wire format: each extra channel opens with a 64-byte hello (magic, version, the VM's UUID, the
/// channel id), then carries packets of a fixed-size header (flags, page counts, packet number, the RAM block's name,
/// 128 page offsets, all big-endian) each followed by its pages. A packet with <see cref="FlagSync"/> marks the point
/// where the main stream's RAM EOS waits for every channel.
/// </summary>
public static class MultifdWire
{
    /// <summary>The magic of hellos and packets.</summary>
    public const uint Magic = 0x11223344;

    /// <summary>The format version QEMU 7.2 speaks.</summary>
    public const uint Version = 1;

    /// <summary>Bytes of a channel's hello.</summary>
    public const int HelloSize = 64;

    /// <summary>Pages a packet holds at most (QEMU: 512 KiB of 4 KiB pages).</summary>
    public const int PagesPerPacket = (512 * 1024) / RamBlock.PageSize;

    /// <summary>Bytes before the offsets: six be32, the be64 packet number, four reserved be64, the 256-byte block name.</summary>
    public const int FixedHeaderSize = (6 * 4) + 8 + (4 * 8) + BlockNameSize;

    /// <summary>Bytes of a packet's header on the wire: always room for <see cref="PagesPerPacket"/> offsets.</summary>
    public const int PacketHeaderSize = FixedHeaderSize + (PagesPerPacket * 8);

    /// <summary>Bytes of the zero-padded block name field.</summary>
    public const int BlockNameSize = 256;

    /// <summary>The packet ends a sync window (the main stream's next RAM EOS waits for it).</summary>
    public const uint FlagSync = 1;

    /// <summary>The bits of <c>flags</c> that name the compression.</summary>
    public const uint FlagCompressionMask = 7 << 1;

    /// <summary>Compression bits of zlib (QEMU's <c>multifd-compression zlib</c>).</summary>
    public const uint FlagZlib = 1 << 1;

    /// <summary>Compression bits of zstd (QEMU's <c>multifd-compression zstd</c>).</summary>
    public const uint FlagZstd = 2 << 1;

    /// <summary>Writes channel <paramref name="id"/>'s hello for the VM <paramref name="uuid"/> (16 bytes; QEMU's
    /// <c>-uuid</c>, all zero by default).</summary>
    public static void WriteHello(Span<byte> hello, ReadOnlySpan<byte> uuid, byte id)
    {
        if (hello.Length < HelloSize || uuid.Length != 16)
        {
            throw new ArgumentException("a hello is 64 bytes and a UUID 16");
        }

        hello[..HelloSize].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(hello, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(hello[4..], Version);
        uuid.CopyTo(hello[8..]);
        hello[24] = id;
    }

    /// <summary>
    /// Checks a channel's hello as QEMU's destination does (magic, version, the UUID, an id below
    /// <paramref name="channels"/>) and returns the channel id.
    /// </summary>
    /// <exception cref="VmStateLoadException">The hello is not one of a multifd channel of this migration.</exception>
    public static int ReadHello(ReadOnlySpan<byte> hello, ReadOnlySpan<byte> uuid, int channels)
    {
        if (hello.Length < HelloSize)
        {
            throw Fail("a multifd channel ended within its 64-byte hello", hello.Length);
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(hello);
        if (magic != Magic)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture, $"multifd: received packet magic {magic:x} expected {Magic:x}"), 0);
        }

        uint version = BinaryPrimitives.ReadUInt32BigEndian(hello[4..]);
        if (version != Version)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture, $"multifd: received packet version {version} expected {Version}"), 4);
        }

        if (!hello.Slice(8, 16).SequenceEqual(uuid))
        {
            throw Fail($"multifd: received uuid '{FormatUuid(hello.Slice(8, 16))}' and expected uuid '{FormatUuid(uuid)}' for channel {hello[24]}", 8);
        }

        int id = hello[24];
        if (id >= channels)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture, $"multifd: received channel id {id}, but this migration has {channels} channel(s)"), 24);
        }

        return id;
    }

    /// <summary>QEMU's text form of a UUID (8-4-4-4-12 lower-case hex).</summary>
    public static string FormatUuid(ReadOnlySpan<byte> uuid)
    {
        string hex = Convert.ToHexStringLower(uuid);
        return hex.Length != 32 ? hex : $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>
    /// Fills a packet header: <paramref name="offsets"/> are byte offsets of pages in <paramref name="block"/>;
    /// <paramref name="nextPacketSize"/> the bytes that follow (the pages, or their compressed form).
    /// </summary>
    public static void WriteHeader(Span<byte> header, uint flags, string? block, ReadOnlySpan<long> offsets, ulong packetNumber, uint nextPacketSize)
    {
        if (header.Length < PacketHeaderSize || offsets.Length > PagesPerPacket)
        {
            throw new ArgumentException("a packet header has room for 128 offsets in 1344 bytes");
        }

        header[..PacketHeaderSize].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], flags);
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], PagesPerPacket);
        BinaryPrimitives.WriteUInt32BigEndian(header[16..], (uint)offsets.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header[20..], nextPacketSize);
        BinaryPrimitives.WriteUInt64BigEndian(header[24..], packetNumber);
        if (block is not null)
        {
            Encoding.UTF8.GetBytes(block, header.Slice(64, BlockNameSize - 1));
        }

        for (int i = 0; i < offsets.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(header[(FixedHeaderSize + (i * 8))..], (ulong)offsets[i]);
        }
    }

    internal static VmStateLoadException Fail(string reason, long offset)
    {
        var e = new VmStateLoadException(reason, offset);
        e.SetSectionIfUnset(RamSection.IdStr);
        return e;
    }
}
