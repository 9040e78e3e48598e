using System.Buffers;
using VmState.Migration;
using VmState.Ram;
using VmState.Runtime.Tests.Analysis;
using VmState.Wire;

namespace VmState.Runtime.Tests.Postcopy;

/// <summary>
/// Every postcopy frame our side writes, byte for byte against the same frame in QEMU 7.2's recorded migration
/// (tests/Fixtures/qemu-7.2/postcopy; offsets from its README): the stream's commands and the return path's requests.
/// </summary>
public sealed class PostcopyWireTests
{
    private static readonly byte[] Stream = File.ReadAllBytes(QemuFixtures.PathOf(Path.Combine("postcopy", "postcopy.migration")));
    private static readonly byte[] ReturnPath = File.ReadAllBytes(QemuFixtures.PathOf(Path.Combine("postcopy", "postcopy.return-path")));

    internal delegate void Frame(ref VmStateWriter writer);

    // One frame's bytes as a writer writes them (shared with the other postcopy tests).
    internal static byte[] Written(Frame frame)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        frame(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void Postcopy_advise_equals_qemus()
    {
        Assert.Equal(Stream.AsSpan(40, 21).ToArray(), Written((ref VmStateWriter w) => MigrationCommandFrame.WriteAdvise(ref w, 0x1000, 4096)));
    }

    [Fact]
    public void Our_saver_writes_advise_where_qemu_does_right_after_the_return_paths_ping()
    {
        using var machine = new PostcopyMachine(seed: 1);
        (byte[] ours, _) = machine.SavePostcopy(4 * RamBlock.PageSize, 3);

        // Header, configuration (our machine name is longer than QEMU's), OPEN_RETURN_PATH, PING 1, ADVISE.
        int config = 5 + "postcopy-test".Length;
        Assert.Equal(Stream.AsSpan(26, 35).ToArray(), ours.AsSpan(8 + config, 35).ToArray());
    }

    [Fact]
    public void Postcopy_ram_discard_equals_qemus()
    {
        (ulong, ulong)[] ranges = [(0x7000, 0x1000), (0x104000, 0x1000), (0x800000, 0x800000)];
        Assert.Equal(Stream.AsSpan(1175863, 62).ToArray(), Written((ref VmStateWriter w) => MigrationCommandFrame.WriteDiscard(ref w, "pc.ram", ranges)));
        Assert.Equal(Stream.AsSpan(1175925, 44).ToArray(), Written((ref VmStateWriter w) => MigrationCommandFrame.WriteDiscard(ref w, "/rom@etc/acpi/tables", [(0, 0x20000)])));
    }

    [Fact]
    public void Ping_packaged_listen_and_run_equal_qemus()
    {
        Assert.Equal(Stream.AsSpan(1176117, 9).ToArray(), Written((ref VmStateWriter w) => MigrationCommandFrame.Write(ref w, QemuMigrationCommand.Ping, 2)));
        Assert.Equal(Stream.AsSpan(1176126, 9).ToArray(), Written((ref VmStateWriter w) => MigrationCommandFrame.Write(ref w, QemuMigrationCommand.Packaged, 12907)));
        Assert.Equal(Stream.AsSpan(1176135, 5).ToArray(), Written((ref VmStateWriter w) => MigrationCommandFrame.Write(ref w, QemuMigrationCommand.PostcopyListen)));
        Assert.Equal(Stream.AsSpan(1189028, 14).ToArray(), Written((ref VmStateWriter w) =>
        {
            MigrationCommandFrame.Write(ref w, QemuMigrationCommand.Ping, 3);
            MigrationCommandFrame.Write(ref w, QemuMigrationCommand.PostcopyRun);
        }));
    }

    [Fact]
    public void A_discard_list_longer_than_twelve_ranges_takes_several_commands()
    {
        Assert.Throws<ArgumentException>(() => Written((ref VmStateWriter w) => MigrationCommandFrame.WriteDiscard(ref w, "pc.ram", new (ulong, ulong)[13])));

        using var machine = new PostcopyMachine(seed: 1);
        var output = new ArrayBufferWriter<byte>();
        var saver = new MigrationSaver(machine.Registry, output, PostcopyMachine.Options);
        saver.SaveStreamSetup();
        while (!saver.SaveStreamIterate())
        {
        }

        // Every other page written again: 128 one-page ranges of pc.ram, 11 commands of at most 12.
        for (int p = 0; p < PostcopyMachine.Pages; p += 2)
        {
            machine.Ram.Write((long)p * RamBlock.PageSize, "x"u8);
        }

        int before = output.WrittenCount;
        Assert.Equal(128, saver.SaveStreamStartPostcopy().Count);
        saver.SaveStreamCleanup();
        var reader = new VmStateReader(output.WrittenSpan[before..]);
        int commands = 0;
        int ranges = 0;
        while (reader.PeekByte() == (byte)QemuSectionType.Command)
        {
            reader.ReadUInt8();
            MigrationCommandFrame frame = MigrationCommandFrame.Read(ref reader, 0);
            if (frame.Command != QemuMigrationCommand.PostcopyRamDiscard)
            {
                break;
            }

            commands++;
            ranges += frame.Ranges.Count;
            Assert.InRange(frame.Ranges.Count, 1, 12);
        }

        Assert.Equal(11, commands);
        Assert.Equal(128, ranges);
    }

    [Fact]
    public void Page_requests_equal_qemus_the_first_naming_its_block()
    {
        using var ram = new RamBlock("pc.ram", 16 << 20);
        using var sent = new MemoryStream();
        var writer = new ReturnPathWriter(sent);
        writer.RequestPages(ram.Id, (ulong)0x99e << RamBlock.PageShift, RamBlock.PageSize);
        writer.RequestPages(ram.Id, (ulong)0x9d2 << RamBlock.PageShift, RamBlock.PageSize);
        writer.RequestPages(ram.Id, (ulong)0x82e << RamBlock.PageShift, RamBlock.PageSize);

        Assert.Equal(ReturnPath.AsSpan(32, 55).ToArray(), sent.ToArray());
    }

    [Fact]
    public void Our_return_path_reader_reads_qemus_whole_return_path_and_stops_at_eof()
    {
        var reader = new ReturnPathReader(new MemoryStream(ReturnPath));
        var types = new List<QemuReturnPathMessageType>();
        while (reader.Read() is { } message)
        {
            types.Add(message.Type);
        }

        Assert.Equal(16, types.Count);
        Assert.Equal(QemuReturnPathMessageType.ReqPagesId, types[4]);
        Assert.Equal(QemuReturnPathMessageType.Shut, types[^1]);
        Assert.Equal(ReturnPath.Length, reader.Offset);

        var cut = new ReturnPathReader(new MemoryStream(ReturnPath[..40]));
        while (true)
        {
            try
            {
                if (cut.Read() is null)
                {
                    Assert.Fail("a message cut by the end is an error");
                }
            }
            catch (VmStateLoadException e)
            {
                Assert.Contains("ended inside a message", e.Message, StringComparison.Ordinal);
                break;
            }
        }
    }
}
