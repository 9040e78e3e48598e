using System.Buffers;
using VmState.Analysis;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Runtime.Tests.Postcopy;

/// <summary>
/// Resuming a postcopy that broke after POSTCOPY_RUN (QEMU's postcopy recovery): on a new stream the source asks for
/// each block's received bitmap (RECV_BITMAP), sends POSTCOPY_RESUME and then only the pages the destination lacks.
/// </summary>
public sealed class PostcopyResumeTests
{
    private static readonly long PrecopyBytes = 64 * RamBlock.PageSize;

    [Fact]
    public void Recv_bitmap_is_the_counted_block_name_and_reads_back()
    {
        byte[] written = PostcopyWireTests.Written((ref VmStateWriter w) => MigrationCommandFrame.WriteRecvBitmap(ref w, "pc.ram"));

        Assert.Equal<byte>([0x08, 0x00, 0x0a, 0x00, 0x07, 0x06, .. "pc.ram"u8], written);
        var reader = new VmStateReader(written.AsSpan(1));
        MigrationCommandFrame frame = MigrationCommandFrame.Read(ref reader, 0);
        Assert.Equal(QemuMigrationCommand.RecvBitmap, frame.Command);
        Assert.Equal("pc.ram", frame.Block);
    }

    [Fact]
    public void A_load_cut_after_run_resumes_on_a_new_stream_that_sends_only_what_is_missing()
    {
        using var source = new PostcopyMachine(seed: 1);
        using var destination = new PostcopyMachine(seed: 7);
        (byte[] stream, _) = source.SavePostcopy(PrecopyBytes, dirtied: 3);
        var sent = new List<string>();
        var commands = new List<QemuMigrationCommand>();
        var loader = new MigrationLoader(destination.Registry, PostcopyMachine.Options)
        {
            ReceivedBitmapRequested = (block, _) => sent.Add(block),
            CommandReceived = c => commands.Add(c.Command),
        };

        var pause = Assert.Throws<VmStateLoadException>(() => loader.Load(new MemoryStream(stream, 0, CutAfterRun(source, stream))));
        Assert.True(pause.PostcopyPaused);
        Assert.True(loader.IsPostcopyPaused);
        long missing = destination.Ram.Postcopy!.Missing;
        Assert.True(missing > 0);

        (byte[] resumed, List<string> asked) = Resumed(source, destination);
        Assert.Throws<InvalidOperationException>(() => new MigrationLoader(destination.Registry, PostcopyMachine.Options).Resume(new MemoryStream(resumed)));

        MigrationLoadResult result = loader.Resume(new MemoryStream(resumed));

        Assert.True(result.Postcopy);
        Assert.False(loader.IsPostcopyPaused);
        Assert.Equal(["pc.ram", "pc.rom"], asked);
        Assert.Equal(asked, sent);
        Assert.Contains(QemuMigrationCommand.PostcopyResume, commands);
        Assert.Null(destination.Ram.Postcopy);
        Assert.Equal(source.Hash(), destination.Hash());

        // A page record is 8 + 4096 bytes (+ the block name once): what went again is what was missing, not all RAM.
        Assert.True(resumed.Length < (missing + 8) * (RamBlock.PageSize + 8), $"{resumed.Length} bytes for {missing} missing pages");
    }

    [Fact]
    public void A_resumed_stream_with_pages_before_postcopy_resume_pauses_again_and_a_good_one_then_completes()
    {
        using var source = new PostcopyMachine(seed: 1);
        using var destination = new PostcopyMachine(seed: 7);
        (byte[] stream, _) = source.SavePostcopy(PrecopyBytes, dirtied: 3);
        var loader = new MigrationLoader(destination.Registry, PostcopyMachine.Options);
        Assert.Throws<VmStateLoadException>(() => loader.Load(new MemoryStream(stream, 0, CutAfterRun(source, stream))));

        // The start of the old stream (a header) is not a resume.
        var e = Assert.Throws<VmStateLoadException>(() => loader.Resume(new MemoryStream(stream, 0, 64)));
        Assert.True(e.PostcopyPaused);
        Assert.Contains("Unknown savevm section type 81", e.Message, StringComparison.Ordinal);

        // A PART before POSTCOPY_RESUME is refused by name.
        (byte[] resumed, _) = Resumed(source, destination);
        int resumeAt = resumed.AsSpan().IndexOf(new byte[] { 0x08, 0x00, 0x09, 0x00, 0x00 });
        byte[] early = [.. resumed.AsSpan(0, resumeAt), .. resumed.AsSpan(resumeAt + 5)];
        e = Assert.Throws<VmStateLoadException>(() => loader.Resume(new MemoryStream(early)));
        Assert.True(e.PostcopyPaused);
        Assert.Contains("before POSTCOPY_RESUME", e.Message, StringComparison.Ordinal);

        loader.Resume(new MemoryStream(resumed));
        Assert.Equal(source.Hash(), destination.Hash());
    }

    [Fact]
    public void A_resumed_stream_whose_first_page_continues_a_block_of_the_broken_connection_is_refused()
    {
        using var source = new PostcopyMachine(seed: 1);
        using var destination = new PostcopyMachine(seed: 7);
        (byte[] stream, _) = source.SavePostcopy(PrecopyBytes, dirtied: 3);
        var loader = new MigrationLoader(destination.Registry, PostcopyMachine.Options);
        Assert.Throws<VmStateLoadException>(() => loader.Load(new MemoryStream(stream, 0, CutAfterRun(source, stream))));
        (byte[] resumed, _) = Resumed(source, destination);

        // The first PART after POSTCOPY_RESUME: type, be32 id, then the first record's be64 header and its block name.
        int header = resumed.AsSpan().IndexOf(new byte[] { 0x08, 0x00, 0x09, 0x00, 0x00 }) + 5 + 5;
        int nameLength = resumed[header + 8];
        byte[] continued = [.. resumed.AsSpan(0, header + 8), .. resumed.AsSpan(header + 8 + 1 + nameLength)];
        continued[header + 7] |= 0x20;

        var e = Assert.Throws<VmStateLoadException>(() => loader.Resume(new MemoryStream(continued)));
        Assert.True(e.PostcopyPaused);
        Assert.Contains("RAM page continues a block, but no block came before it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_switch_after_everything_was_sent_still_discards_one_page_for_qemu_and_sends_it_again()
    {
        using var source = new PostcopyMachine(seed: 1);
        using var destination = new PostcopyMachine(seed: 7);
        var output = new ArrayBufferWriter<byte>();
        var saver = new MigrationSaver(source.Registry, output, PostcopyMachine.Options);
        saver.SaveStreamSetup();
        Assert.True(saver.SaveStreamIterate());

        // QEMU 7.2's destination fails POSTCOPY_RUN when LISTEN came without any discard.
        IReadOnlyList<PostcopyDiscardRange> discards = saver.SaveStreamStartPostcopy();
        Assert.Equal([new PostcopyDiscardRange("pc.ram", 0, RamBlock.PageSize)], discards);
        while (!saver.SaveStreamIterate())
        {
        }

        saver.SaveStreamCompletePostcopy();
        saver.SaveStreamCleanup();
        new MigrationLoader(destination.Registry, PostcopyMachine.Options).Load(output.WrittenMemory);
        Assert.Equal(source.Hash(), destination.Hash());
    }

    // Ends the stream a little into the last PART, well after POSTCOPY_RUN.
    private static int CutAfterRun(PostcopyMachine source, byte[] stream)
    {
        var snapshot = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(source.Registry, snapshot, PostcopyMachine.Options with { Postcopy = false });
        var frames = MigrationStreamAnalyzer.Frames(new MemoryStream(stream), MigrationStreamAnalyzer.DescriptionFrom(snapshot.WrittenSpan.ToArray())).ToList();
        int run = frames.FindIndex(f => f.Text.StartsWith("COMMAND POSTCOPY_RUN", StringComparison.Ordinal));
        MigrationFrame part = frames.Skip(run).First(f => f.Text.StartsWith("SECTION_PART", StringComparison.Ordinal));
        return (int)part.Offset + 30;
    }

    // The resumed source's stream, with the destination's bitmaps as its loader would send them.
    private static (byte[] Stream, List<string> Blocks) Resumed(PostcopyMachine source, PostcopyMachine destination)
    {
        var output = new ArrayBufferWriter<byte>();
        var saver = new MigrationSaver(source.Registry, output, PostcopyMachine.Options);
        try
        {
            List<string> blocks = [.. saver.SaveStreamResumeStart()];
            foreach (string block in blocks)
            {
                saver.SaveStreamResumeBitmap(block, destination.RamSection.LoadReceivedBitmap(block));
            }

            saver.SaveStreamResumeContinue();
            while (!saver.SaveStreamIterate(16 * RamBlock.PageSize))
            {
            }

            saver.SaveStreamCompletePostcopy();
            return (output.WrittenSpan.ToArray(), blocks);
        }
        finally
        {
            saver.SaveStreamCleanup();
        }
    }
}
