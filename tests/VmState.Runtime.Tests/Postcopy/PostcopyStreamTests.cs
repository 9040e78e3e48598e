using System.Buffers;
using VmState.Analysis;
using VmState.Migration;
using VmState.Ram;
using VmState.Runtime.Tests.Analysis;
using VmState.Wire;

namespace VmState.Runtime.Tests.Postcopy;

/// <summary>
/// A postcopy stream written by our saver, held to QEMU 7.2's (the recorded one in tests/Fixtures/qemu-7.2/postcopy):
/// the same frames in the same order, loaded whole by our loader, with the rollback rules of postcopy (everything
/// before POSTCOPY_RUN undone on failure; nothing after it, which pauses instead).
/// </summary>
public sealed class PostcopyStreamTests
{
    private const int Dirtied = 3;
    private static readonly long PrecopyBytes = 64 * RamBlock.PageSize;

    // "COMMAND PING", "SECTION_FULL", ...: a frame's kind, the same in our listing and the recording's.
    private static string Kind(MigrationFrame frame)
    {
        string[] words = frame.Text.Split(' ');
        return (frame.InPackage ? "  " : "") + (words[0] == "COMMAND" ? "COMMAND " + words[1] : words[0]);
    }

    private static List<string> Kinds(IEnumerable<MigrationFrame> frames)
    {
        var kinds = new List<string>();
        foreach (MigrationFrame f in frames)
        {
            string kind = Kind(f);
            if (kinds.Count == 0 || kinds[^1] != kind)
            {
                kinds.Add(kind);
            }
        }

        return kinds;
    }

    private static IReadOnlyList<MigrationFrame> OurFrames(PostcopyMachine machine, byte[] stream)
    {
        // A postcopy stream carries no VMDESCRIPTION: the device sections are walked by a precopy stream's.
        var snapshot = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(machine.Registry, snapshot, PostcopyMachine.Options with { Postcopy = false });
        return MigrationStreamAnalyzer.Frames(new MemoryStream(stream), MigrationStreamAnalyzer.DescriptionFrom(snapshot.WrittenSpan.ToArray()));
    }

    [Fact]
    public void Our_postcopy_stream_has_qemus_frames_in_qemus_order()
    {
        using var source = new PostcopyMachine(seed: 1);
        (byte[] stream, _) = source.SavePostcopy(PrecopyBytes, Dirtied);

        List<string> ours = Kinds(OurFrames(source, stream));
        using var qemuFile = File.OpenRead(QemuFixtures.PathOf(Path.Combine("postcopy", "postcopy.migration")));
        var qemuDesc = MigrationStreamAnalyzer.DescriptionFrom(File.ReadAllBytes(QemuFixtures.PathOf(Path.Combine("postcopy", "precopy.migration"))));
        List<string> qemu = Kinds(MigrationStreamAnalyzer.Frames(qemuFile, qemuDesc));

        Assert.Equal(qemu, ours);
        Assert.Contains("  COMMAND POSTCOPY_LISTEN", ours);
        Assert.Equal(
            ["value=1", "value=2", "value=3", "value=4"],
            OurFrames(source, stream).Where(f => f.Text.StartsWith("COMMAND PING", StringComparison.Ordinal)).Select(f => f.Text.Split(' ')[^1]));
    }

    [Fact]
    public void The_discards_name_the_page_written_again_and_every_page_not_yet_sent()
    {
        using var source = new PostcopyMachine(seed: 1);
        (_, IReadOnlyList<PostcopyDiscardRange> discards) = source.SavePostcopy(PrecopyBytes, Dirtied);

        PostcopyDiscardRange[] ram = [.. discards.Where(d => d.Block == "pc.ram")];
        Assert.Equal(2, ram.Length);
        Assert.Equal(new PostcopyDiscardRange("pc.ram", Dirtied * (ulong)RamBlock.PageSize, RamBlock.PageSize), ram[0]);
        Assert.True(ram[1].Start > (Dirtied + 1) * (ulong)RamBlock.PageSize, "the precopy pass sent the first pages");
        Assert.Equal((ulong)source.Ram.Length, ram[1].Start + ram[1].Length);
        Assert.Equal([new PostcopyDiscardRange("pc.rom", 0, (ulong)source.Rom.Length)], discards.Where(d => d.Block == "pc.rom"));
    }

    [Fact]
    public void A_postcopy_stream_loads_whole_and_starts_the_guest_once_at_POSTCOPY_RUN()
    {
        using var source = new PostcopyMachine(seed: 1);
        (byte[] stream, _) = source.SavePostcopy(PrecopyBytes, Dirtied);
        using var destination = new PostcopyMachine(seed: 0);
        int runs = 0;
        uint deviceAtRun = 0;
        MigrationLoadResult result = new MigrationLoader(destination.Registry, PostcopyMachine.Options)
        {
            PostcopyRun = () =>
            {
                runs++;
                deviceAtRun = destination.Dev.A;
            },
        }.Load(stream);

        Assert.True(result.Postcopy);
        Assert.Null(result.VmDescription);
        Assert.Equal(1, runs);
        Assert.Equal(1u, deviceAtRun);
        Assert.Equal(source.Hash(), destination.Hash());
        Assert.Null(destination.Ram.Postcopy);
    }

    [Fact]
    public void A_failure_before_POSTCOPY_RUN_rolls_everything_back_discarded_pages_too()
    {
        using var source = new PostcopyMachine(seed: 1);
        (byte[] stream, _) = source.SavePostcopy(PrecopyBytes, Dirtied);
        MigrationFrame run = OurFrames(source, stream).Single(f => f.Text.StartsWith("COMMAND POSTCOPY_RUN", StringComparison.Ordinal));
        using var destination = new PostcopyMachine(seed: 7);
        string before = destination.Hash();

        bool ran = false;
        var e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(destination.Registry, PostcopyMachine.Options) { PostcopyRun = () => ran = true }
            .Load(stream.AsMemory(0, (int)run.Offset + 2)));

        Assert.False(e.PostcopyPaused);
        Assert.False(ran);
        Assert.Equal(before, destination.Hash());
    }

    [Fact]
    public void A_failure_after_POSTCOPY_RUN_keeps_what_the_guest_runs_on_and_says_postcopy_paused()
    {
        using var source = new PostcopyMachine(seed: 1);
        (byte[] stream, _) = source.SavePostcopy(PrecopyBytes, Dirtied);
        MigrationFrame last = OurFrames(source, stream).Last(f => f.Text.StartsWith("SECTION_PART", StringComparison.Ordinal));
        using var destination = new PostcopyMachine(seed: 7);

        var e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(destination.Registry, PostcopyMachine.Options).Load(stream.AsMemory(0, (int)last.Offset + 30)));

        Assert.True(e.PostcopyPaused);
        Assert.StartsWith("Postcopy paused: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(1u, destination.Dev.A);
        Assert.NotNull(destination.Ram.Postcopy);
        Assert.True(destination.Ram.Postcopy!.Missing > 0);
    }

    [Theory]
    [InlineData("POSTCOPY_ADVISE", "POSTCOPY_RAM_DISCARD in the wrong postcopy state: no POSTCOPY_ADVISE came")]
    [InlineData("POSTCOPY_LISTEN", "POSTCOPY_RUN in the wrong postcopy state: advised, where it needs listening")]
    public void A_command_out_of_its_place_is_refused_by_name_and_nothing_is_changed(string removed, string message)
    {
        using var source = new PostcopyMachine(seed: 1);
        (byte[] stream, _) = source.SavePostcopy(PrecopyBytes, Dirtied);
        MigrationFrame frame = OurFrames(source, stream).First(f => f.Text.StartsWith("COMMAND " + removed, StringComparison.Ordinal));
        byte[] cut = [.. stream.AsSpan(0, (int)frame.Offset), .. stream.AsSpan((int)(frame.Offset + frame.Length))];
        if (frame.InPackage)
        {
            // The PACKAGED length shrinks with its blob.
            MigrationFrame package = OurFrames(source, stream).Single(f => f.Text.StartsWith("COMMAND PACKAGED", StringComparison.Ordinal));
            int at = (int)package.Offset + 5;
            uint length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(cut.AsSpan(at));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(cut.AsSpan(at), length - (uint)frame.Length);
        }

        using var destination = new PostcopyMachine(seed: 7);
        string before = destination.Hash();
        var e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(destination.Registry, PostcopyMachine.Options).Load(cut));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, destination.Hash());
    }

    [Theory]
    [InlineData("0007 0004 01000001", "Unreasonably large packaged state: 16777217 bytes")]
    [InlineData("0007 0004 00000009 08 0007 0004 00000000", "PACKAGED inside a PACKAGED blob")]
    [InlineData("0007 0004 00000001 00", "EOF inside the PACKAGED blob")]
    [InlineData("0007 0004 00000004 08 0002 00", "A frame runs past the end of the PACKAGED blob of 4 bytes")]
    public void A_bad_package_is_refused_before_anything_in_it_is_used(string command, string message)
    {
        byte[] head = Convert.FromHexString("5145564d00000003" + "07" + "0000000d" + Convert.ToHexString("postcopy-test"u8) + "080001 0000 08 0002 0004 00000001 08 0003 0010 0000000000001000 0000000000001000".Replace(" ", "", StringComparison.Ordinal));
        byte[] stream = [.. head, .. Convert.FromHexString("08" + command.Replace(" ", "", StringComparison.Ordinal))];
        using var destination = new PostcopyMachine(seed: 0);

        var e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(destination.Registry, PostcopyMachine.Options).Load(stream));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.False(e.PostcopyPaused);
    }

    [Fact]
    public void Advise_with_other_page_sizes_is_refused_as_qemu_refuses_it()
    {
        byte[] stream = Convert.FromHexString("5145564d00000003" + "07" + "0000000d" + Convert.ToHexString("postcopy-test"u8) + "0800030010" + "0000000000011000" + "0000000000001000");
        using var destination = new PostcopyMachine(seed: 0);

        var e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(destination.Registry, PostcopyMachine.Options).Load(stream));

        Assert.Contains("Postcopy needs matching RAM page sizes (s=0x11000 d=0x1000)", e.Message, StringComparison.Ordinal);
    }
}
