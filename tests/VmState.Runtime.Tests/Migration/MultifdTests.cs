using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Runtime.Tests.Migration;

/// <summary>
/// Multifd as QEMU 7.2 speaks it: non-zero pages travel on the extra channels in packets of QEMU's layout, zero pages
/// and the framing on the main stream, each RAM EOS a sync point; the destination reads pages straight into RAM,
/// checks every packet as QEMU does, and a bad packet fails the load with the channel, packet and byte named, the
/// machine left as it was.
/// </summary>
public sealed class MultifdTests
{
    // One whole save with the channels as memory streams: the main stream and each channel's bytes.
    private static (byte[] Main, byte[][] Channels, MultifdSender Sender) SaveWithChannels(StreamTestMachine source, int channels, MultifdCompression? compression = null)
    {
        var streams = Enumerable.Range(0, channels).Select(_ => new KeepOpenStream()).ToArray();
        var sender = new MultifdSender(streams, compression: compression);
        source.RamSection.MultifdSender = sender;
        try
        {
            var output = new ArrayBufferWriter<byte>();
            MigrationSaver.SaveSnapshot(source.Registry, output, StreamTestMachine.Options);
            return (output.WrittenSpan.ToArray(), [.. streams.Select(s => s.ToArray())], sender);
        }
        finally
        {
            source.RamSection.MultifdSender = null;
            sender.Dispose();
        }
    }

    private static MigrationLoadResult LoadWithChannels(StreamTestMachine target, byte[] main, byte[][] channels, MultifdCompression? compression = null)
    {
        Stream[] streams = [.. channels.Select(c => new MemoryStream(c))];
        for (int i = 0; i < streams.Length; i++)
        {
            Assert.Equal(i, MultifdReceiver.ReadHello(streams[i], streams.Length));
        }

        using var receiver = new MultifdReceiver(target.RamSection, streams, compression);
        receiver.Start();
        return new MigrationLoader(target.Registry, StreamTestMachine.Options).Load(main);
    }

    [Fact]
    public void A_save_over_two_channels_loads_equal_with_the_pages_on_the_channels_and_the_zeros_on_the_main_stream()
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);

        (byte[] main, byte[][] channels, MultifdSender sender) = SaveWithChannels(source, 2);
        LoadWithChannels(target, main, channels);

        Assert.Equal(source.Hash(), target.Hash());

        // Six random pages of pc.ram and one touched pc.rom page: each one on a channel, none on the main stream.
        Assert.Equal(7, sender.PagesSent);
        Assert.Equal(7, source.RamSection.NormalPages);
        Assert.True(source.RamSection.ZeroPages > 0);
        Assert.True(main.Length < RamBlock.PageSize, $"the main stream carried {main.Length} bytes");
        Assert.Null(target.RamSection.MultifdReceiver);

        // Each channel: its hello, then packets of QEMU's fixed 1344-byte header (with their pages), and one SYNC
        // packet per RAM EOS of the stream (setup, the pass, the completion: three).
        foreach (byte[] channel in channels)
        {
            int syncs = 0;
            long at = MultifdWire.HelloSize;
            while (at < channel.Length)
            {
                ReadOnlySpan<byte> header = channel.AsSpan((int)at, MultifdWire.PacketHeaderSize);
                Assert.Equal(MultifdWire.Magic, BinaryPrimitives.ReadUInt32BigEndian(header));
                Assert.Equal(128u, BinaryPrimitives.ReadUInt32BigEndian(header[12..]));
                uint pages = BinaryPrimitives.ReadUInt32BigEndian(header[16..]);
                Assert.Equal(pages * RamBlock.PageSize, BinaryPrimitives.ReadUInt32BigEndian(header[20..]));
                syncs += (int)(BinaryPrimitives.ReadUInt32BigEndian(header[8..]) & MultifdWire.FlagSync);
                at += MultifdWire.PacketHeaderSize + (pages * RamBlock.PageSize);
            }

            Assert.Equal(channel.Length, at);
            Assert.Equal(3, syncs);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task A_main_stream_that_arrives_in_pieces_syncs_once_per_ram_eos_however_often_its_frames_are_parsed_again(int piece)
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        (byte[] main, byte[][] channels, _) = SaveWithChannels(source, 2);
        Stream[] streams = [.. channels.Select(c => new MemoryStream(c))];
        foreach (Stream s in streams)
        {
            MultifdReceiver.ReadHello(s, streams.Length);
        }

        // A frame cut short is parsed again from its start when more bytes come: its EOS, too, is met again.
        using var receiver = new MultifdReceiver(target.RamSection, streams);
        receiver.Start();
        var input = new VmState.Tests.Support.PieceStream(main) { Piece = piece };
        await Task.Run(() => new MigrationLoader(target.Registry, StreamTestMachine.Options).Load(input)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(source.Hash(), target.Hash());
    }

    [Fact]
    public void With_compression_each_channel_keeps_one_stream_and_each_packet_says_its_compressed_size()
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        var compression = new RunLengthCompression();

        (byte[] main, byte[][] channels, _) = SaveWithChannels(source, 2, compression);
        LoadWithChannels(target, main, channels, compression);

        Assert.Equal(source.Hash(), target.Hash());
        int packets = 0;
        foreach (byte[] channel in channels)
        {
            for (long at = MultifdWire.HelloSize; at < channel.Length; packets++)
            {
                ReadOnlySpan<byte> header = channel.AsSpan((int)at, MultifdWire.PacketHeaderSize);
                uint pages = BinaryPrimitives.ReadUInt32BigEndian(header[16..]);
                uint size = BinaryPrimitives.ReadUInt32BigEndian(header[20..]);
                uint flags = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
                Assert.Equal(pages == 0 ? 0 : compression.Flag, flags & MultifdWire.FlagCompressionMask);
                Assert.True(pages == 0 ? size == 0 : size > 0, $"{pages} pages in {size} bytes");
                at += MultifdWire.PacketHeaderSize + size;
            }
        }

        // Three SYNC packets a channel and the pages' packets, each decoded where the next one's header begins.
        Assert.True(packets > 6, $"{packets} packets");
        Assert.Equal(compression.Compressors, compression.Decompressors);
        Assert.Equal(2, compression.Compressors);
    }

    [Fact]
    public void A_destination_expecting_compression_refuses_plain_packets_and_one_expecting_none_refuses_compressed_ones()
    {
        using var source = new StreamTestMachine(fill: true);
        (byte[] plainMain, byte[][] plain, _) = SaveWithChannels(source, 1);
        (byte[] packedMain, byte[][] packed, _) = SaveWithChannels(source, 1, new RunLengthCompression());

        using var target = new StreamTestMachine(fill: false);
        var e1 = Assert.Throws<VmStateLoadException>(() => LoadWithChannels(target, plainMain, plain, new RunLengthCompression()));
        var e2 = Assert.Throws<VmStateLoadException>(() => LoadWithChannels(target, packedMain, packed));

        Assert.Contains("flags received 0 flags expected 2 (this destination's multifd compression: rle)", e1.Message, StringComparison.Ordinal);
        Assert.Contains("flags received 2 flags expected 0 (this destination's multifd compression: none)", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compressed_bytes_that_do_not_decode_fail_the_load_naming_the_method_and_leave_the_machine_as_it_was()
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        target.Ram.Write(0, "before"u8);
        string before = target.Hash();
        (byte[] main, byte[][] channels, _) = SaveWithChannels(source, 1, new RunLengthCompression());
        int packet = MultifdWire.HelloSize;
        while (BinaryPrimitives.ReadUInt32BigEndian(channels[0].AsSpan(packet + 16)) == 0)
        {
            packet += MultifdWire.PacketHeaderSize;
        }

        // A run-length pair that claims more bytes than the page holds.
        channels[0][packet + MultifdWire.PacketHeaderSize] = 0xff;
        channels[0][packet + MultifdWire.PacketHeaderSize + 1] = 0xff;

        var e = Assert.Throws<VmStateLoadException>(() => LoadWithChannels(target, main, channels, new RunLengthCompression()));

        Assert.Contains("multifd channel 0, packet ", e.Message, StringComparison.Ordinal);
        Assert.Contains("rle: a run past the pages", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Hash());
    }

    [Fact]
    public void A_sender_whose_channel_cannot_start_closes_every_stream_it_was_given()
    {
        var streams = Enumerable.Range(0, 3).Select(_ => new MemoryStream()).ToArray();

        Assert.Throws<InvalidOperationException>(() => new MultifdSender(streams, compression: new FailingCompression(failAt: 2)));

        // Written or not, every stream is closed: the two started channels stopped, the third never started.
        Assert.All(streams, s => Assert.False(s.CanWrite));
    }

    // A method whose compressor cannot be made for the channel `failAt`.
    private sealed class FailingCompression(int failAt) : MultifdCompression
    {
        private int _made;

        public override string Name => "failing";

        public override uint Flag => MultifdWire.FlagZlib;

        public override IMultifdCompressor CreateCompressor() =>
            _made++ == failAt ? throw new InvalidOperationException("no compressor") : new RunLengthCompression().CreateCompressor();

        public override IMultifdDecompressor CreateDecompressor() => throw new NotSupportedException();
    }

    [Fact]
    public void The_hello_and_the_packet_header_have_qemus_layout()
    {
        byte[] hello = new byte[MultifdWire.HelloSize];
        byte[] uuid = Convert.FromHexString("00112233445566778899aabbccddeeff");
        MultifdWire.WriteHello(hello, uuid, 3);
        Assert.Equal("11223344" + "00000001" + "00112233445566778899aabbccddeeff" + "03" + new string('0', 78), Convert.ToHexString(hello).ToLowerInvariant());
        Assert.Equal(3, MultifdWire.ReadHello(hello, uuid, 4));

        byte[] header = new byte[MultifdWire.PacketHeaderSize];
        MultifdWire.WriteHeader(header, MultifdWire.FlagSync, "pc.ram", [0x1000, 0x7000], 9, 0x2000);
        Assert.Equal(1344, header.Length);
        Assert.Equal("11223344" + "00000001" + "00000001" + "00000080" + "00000002" + "00002000" + "0000000000000009", Convert.ToHexString(header, 0, 32));
        Assert.True(header.AsSpan(32, 32).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal("pc.ram\0"u8.ToArray(), header.AsSpan(64, 7).ToArray());
        Assert.Equal(0x1000UL, BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(320)));
        Assert.Equal(0x7000UL, BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(328)));
    }

    [Theory]
    [InlineData("magic", "received packet magic 55223344 and expected magic 11223344")]
    [InlineData("block", "unknown ram block pc.rax")]
    [InlineData("offset", "offset 0x10000 is not a page of block pc.ram (0x10000 bytes)")]
    [InlineData("unaligned", "offset 0x1 is not a page of block pc.ram")]
    [InlineData("count", "received packet with 129 pages and expected maximum pages are 128")]
    [InlineData("zstd", "flags received 4 flags expected 0")]
    [InlineData("size", "pages says 4095 bytes follow, not ")]
    [InlineData("cut", "the channel ended within the pages of a packet")]
    public void A_bad_packet_fails_the_load_naming_channel_packet_and_byte_and_leaves_the_machine_as_it_was(string damage, string expected)
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        target.Ram.Write(0, "before"u8);
        string before = target.Hash();
        (byte[] main, byte[][] channels, _) = SaveWithChannels(source, 1);

        // The first packet with pages (channel 0's first is the setup's SYNC, with none).
        byte[] channel = channels[0];
        int packet = MultifdWire.HelloSize;
        while (BinaryPrimitives.ReadUInt32BigEndian(channel.AsSpan(packet + 16)) == 0)
        {
            packet += MultifdWire.PacketHeaderSize;
        }

        Span<byte> h = channel.AsSpan(packet);
        switch (damage)
        {
            case "magic": h[0] = 0x55; break;
            case "block": h[64 + 5] = (byte)'x'; break;
            case "offset": BinaryPrimitives.WriteUInt64BigEndian(h[320..], 0x10000); break;
            case "unaligned": BinaryPrimitives.WriteUInt64BigEndian(h[320..], 1); break;
            case "count": BinaryPrimitives.WriteUInt32BigEndian(h[16..], 129); break;
            case "zstd": BinaryPrimitives.WriteUInt32BigEndian(h[8..], MultifdWire.FlagZstd); break;
            case "size": BinaryPrimitives.WriteUInt32BigEndian(h[20..], 4095); break;
            case "cut": channels[0] = channel[..(packet + MultifdWire.PacketHeaderSize + 100)]; break;
        }

        var e = Assert.Throws<VmStateLoadException>(() => LoadWithChannels(target, main, channels));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("multifd channel 0, packet ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"at byte {packet + (damage == "cut" ? MultifdWire.PacketHeaderSize + 100 : 0)} of the channel", e.Message, StringComparison.Ordinal);
        Assert.Equal(RamSection.IdStr, e.Section);
        Assert.True(e.Offset > 0, "the main stream's offset where it waited");
        Assert.Equal(before, target.Hash());
    }

    [Fact]
    public async Task A_channel_closed_before_its_last_sync_fails_the_load_at_that_eos_instead_of_waiting_for_ever()
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        string before = target.Hash();
        (byte[] main, byte[][] channels, _) = SaveWithChannels(source, 2);

        // Channel 1 without its last packet (the completion's SYNC): it ends cleanly, between packets.
        channels[1] = channels[1][..^MultifdWire.PacketHeaderSize];

        var e = await Assert.ThrowsAsync<VmStateLoadException>(() => Task.Run(() => LoadWithChannels(target, main, channels)).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("1 multifd channel(s) closed before the SYNC of this RAM EOS", e.Message, StringComparison.Ordinal);
        Assert.Equal(RamSection.IdStr, e.Section);
        Assert.Equal(before, target.Hash());
    }

    [Theory]
    [InlineData("11223344 00000002", "received packet version 2 expected 1")]
    [InlineData("11223345 00000001", "received packet magic 11223345 expected 11223344")]
    [InlineData("11223344 00000001 01", "received uuid '01000000-0000-0000-0000-000000000000' and expected uuid '00000000-0000-0000-0000-000000000000' for channel 0")]
    [InlineData("11223344 00000001 00000000000000000000000000000000 02", "received channel id 2, but this migration has 2 channel(s)")]
    public void A_hello_that_is_not_one_of_this_migrations_channels_is_refused(string start, string expected)
    {
        byte[] hello = new byte[MultifdWire.HelloSize];
        Convert.FromHexString(start.Replace(" ", "", StringComparison.Ordinal)).CopyTo(hello, 0);

        var e = Assert.Throws<VmStateLoadException>(() => MultifdReceiver.ReadHello(new MemoryStream(hello), 2));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_migration_over_loopback_channels_with_pages_changing_between_passes_arrives_exact()
    {
        const int pages = 4096;
        using var sourceRam = new RamBlock("pc.ram", (long)pages * RamBlock.PageSize);
        using var targetRam = new RamBlock("pc.ram", (long)pages * RamBlock.PageSize);
        var source = new RamSection([sourceRam]);
        var target = new RamSection([targetRam]);
        var sourceRegistry = new VmStateRegistry();
        sourceRegistry.RegisterLive(RamSection.IdStr, source, RamSection.SectionVersion);
        var targetRegistry = new VmStateRegistry();
        targetRegistry.RegisterLive(RamSection.IdStr, target, RamSection.SectionVersion);
        var rng = new Random(7);
        byte[] page = new byte[RamBlock.PageSize];
        for (int p = 0; p < pages; p += 2)
        {
            rng.NextBytes(page);
            sourceRam.Write((long)p * RamBlock.PageSize, page);
        }

        // Three connections, as a migration over TCP makes them: the main stream first, then the channels.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var sockets = new List<(TcpClient Out, TcpClient In)>();
        for (int i = 0; i < 3; i++)
        {
            var client = new TcpClient();
            client.Connect((IPEndPoint)listener.LocalEndpoint);
            sockets.Add((client, listener.AcceptTcpClient()));
        }

        try
        {
            Task<MigrationLoadResult> load = Task.Run(() =>
            {
                Stream[] inbound = [sockets[1].In.GetStream(), sockets[2].In.GetStream()];
                foreach (Stream s in inbound)
                {
                    MultifdReceiver.ReadHello(s, 2);
                }

                using var receiver = new MultifdReceiver(target, inbound);
                receiver.Start();
                return new MigrationLoader(targetRegistry, StreamTestMachine.Options).Load(sockets[0].In.GetStream());
            });

            using var sender = new MultifdSender([sockets[1].Out.GetStream(), sockets[2].Out.GetStream()]);
            source.MultifdSender = sender;
            var output = new StreamBufferWriter(sockets[0].Out.GetStream(), 1 << 16);
            var saver = new MigrationSaver(sourceRegistry, output, StreamTestMachine.Options);
            saver.SaveStreamSetup();
            for (int pass = 0; pass < 4; pass++)
            {
                // Each pass's RAM EOS must reach the destination: its channels wait there before taking more.
                while (!saver.SaveStreamIterate(1 << 20))
                {
                    output.Flush();
                }

                output.Flush();

                // Between passes the guest writes: some pages become zero, some zero pages get data, some change.
                for (int p = pass; p < pages; p += 7)
                {
                    if (p % 3 == 0)
                    {
                        sourceRam.Write((long)p * RamBlock.PageSize, new byte[RamBlock.PageSize]);
                    }
                    else
                    {
                        rng.NextBytes(page);
                        sourceRam.Write((long)p * RamBlock.PageSize, page);
                    }
                }

                sourceRam.MarkDirty(0, sourceRam.Length);
                _ = saver.SaveStreamPendingExact();
            }

            saver.SaveStreamCompletePrecopy();
            output.Flush();
            saver.SaveStreamCleanup();
            sender.Dispose();
            sockets[0].Out.Client.Shutdown(SocketShutdown.Send);

            await load.WaitAsync(TimeSpan.FromSeconds(60));
            for (long p = 0; p < pages; p++)
            {
                Assert.True(sourceRam.Page(p).SequenceEqual(targetRam.Page(p)), $"page {p} differs");
            }

            Assert.True(sender.PagesSent > pages, $"{sender.PagesSent} pages on the channels");
        }
        finally
        {
            foreach ((TcpClient o, TcpClient i) in sockets)
            {
                o.Dispose();
                i.Dispose();
            }
        }
    }

    // A stand-in method for the runtime's compression path: (be16 run length, byte) pairs, one stream per channel
    // (a run never crosses a packet, so the stream has no state, but each channel still gets its own).
    private sealed class RunLengthCompression : MultifdCompression
    {
        public int Compressors;
        public int Decompressors;

        public override string Name => "rle";

        public override uint Flag => MultifdWire.FlagZlib;

        public override IMultifdCompressor CreateCompressor()
        {
            Interlocked.Increment(ref Compressors);
            return new Packer();
        }

        public override IMultifdDecompressor CreateDecompressor()
        {
            Interlocked.Increment(ref Decompressors);
            return new Unpacker();
        }

        private sealed class Packer : IMultifdCompressor
        {
            public int Compress(ReadOnlySpan<byte> pages, Span<byte> output, bool endOfPacket)
            {
                int written = 0;
                for (int at = 0; at < pages.Length;)
                {
                    int run = 1;
                    while (at + run < pages.Length && run < ushort.MaxValue && pages[at + run] == pages[at])
                    {
                        run++;
                    }

                    BinaryPrimitives.WriteUInt16BigEndian(output[written..], (ushort)run);
                    output[written + 2] = pages[at];
                    written += 3;
                    at += run;
                }

                return written;
            }

            public void Dispose()
            {
            }
        }

        private sealed class Unpacker : IMultifdDecompressor
        {
            public int Decompress(ReadOnlySpan<byte> input, Span<byte> pages)
            {
                int read = 0;
                for (int at = 0; at < pages.Length; read += 3)
                {
                    if (read + 3 > input.Length)
                    {
                        throw new InvalidDataException("the input ended");
                    }

                    int run = BinaryPrimitives.ReadUInt16BigEndian(input[read..]);
                    if (run == 0 || at + run > pages.Length)
                    {
                        throw new InvalidDataException("a run past the pages");
                    }

                    pages.Slice(at, run).Fill(input[read + 2]);
                    at += run;
                }

                return read;
            }

            public void Dispose()
            {
            }
        }
    }

    // A memory stream whose bytes stay readable after the sender disposes it.
    private sealed class KeepOpenStream : MemoryStream
    {
#pragma warning disable CA2215 // the point: the bytes outlive the sender's Dispose
        protected override void Dispose(bool disposing)
        {
        }
#pragma warning restore CA2215
    }
}
