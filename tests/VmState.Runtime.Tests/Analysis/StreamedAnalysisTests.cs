using System.Security.Cryptography;
using System.Text;
using VmState.Analysis;
using VmState.Tests.Support;
using VmState.Wire;

namespace VmState.Runtime.Tests.Analysis;

/// <summary>
/// The analyzer over a stream (a file read a frame at a time) gives what it gives over memory, whatever sizes the
/// reads come in; its memory is bounded by what it prints; extraction is bounded and leaves nothing on failure.
/// </summary>
public sealed class StreamedAnalysisTests
{
    [Fact]
    public void A_stream_read_in_uneven_pieces_decodes_to_the_scripts_output()
    {
        using var input = new PieceStream(QemuFixtures.Stream, seed: 1, maxPiece: 64 << 10);

        string state = MigrationStreamAnalyzer.State(input).ToJson() + "\n";
        input.Position = 0;
        string desc = MigrationStreamAnalyzer.Description(input).ToJson() + "\n";

        Assert.Equal(QemuFixtures.Text("pc-16m.analyze-state.json"), state);
        Assert.Equal(QemuFixtures.Text("pc-16m.analyze-desc.json"), desc);
        Assert.True(input.Reads > 100, $"only {input.Reads} reads: the pieces were not small enough to cut frames");
    }

    [Fact]
    public void Extraction_from_a_stream_writes_the_recorded_blocks()
    {
        string dir = TempDir();
        try
        {
            using var input = new PieceStream(QemuFixtures.Stream, seed: 2, maxPiece: 64 << 10);
            var listing = new StringWriter { NewLine = "\n" };

            MigrationStreamExtractor.ExtractTo(input, dir, listing);

            foreach (string line in QemuFixtures.Text("pc-16m.ram-blocks.sha256").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Split("  ", 2);
                Assert.Equal(parts[0], Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, parts[1])))));
            }

            // Frames read again announce their blocks again; each is listed once.
            Assert.Equal(11, listing.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_a_load_error()
    {
        using var input = new PieceStream(QemuFixtures.Stream, seed: 3) { Seekable = false };

        var e = Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(input));
        Assert.Contains("seekable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_past_the_limit_is_a_load_error_not_a_huge_buffer()
    {
        // One device section of 1 MiB; a 256 KiB frame limit refuses it once the buffer would pass the limit.
        byte[] stream = OneDeviceOfBytes(1 << 20, "buffer");
        using var input = new PieceStream(stream, seed: 4, maxPiece: 64 << 10);

        var e = Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(input, maxFrame: 256 << 10));
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("uint8", 4)]
    [InlineData("uint16", 4)]
    [InlineData("buffer", 4)]
    [InlineData("uint32", 8)]
    public void Memory_grows_with_the_output_not_beyond_it(string type, int bytesPerPrintedChar)
    {
        // A million one-byte (or two, four-byte) elements: what the tree and its printing allocate, all told, stays
        // within a few bytes per character printed, so a description claiming a huge array costs no more than it prints.
        int size = type switch { "uint16" => 2, "uint32" => 4, _ => 1 };
        byte[] stream = OneDeviceOfBytes(1 << 20, type, size);
        MigrationStreamAnalyzer.State(stream);
        var output = new CountingWriter();

        long before = GC.GetAllocatedBytesForCurrentThread();
        MigrationStreamAnalyzer.State(stream).WriteJson(output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(output.Count > (1 << 20) / size * 10, $"printed only {output.Count} chars");
        Console.WriteLine($"memory {type}: {(double)allocated / output.Count:F2} bytes allocated per char printed");
        Assert.True(
            allocated - stream.Length <= (long)bytesPerPrintedChar * output.Count,
            $"{type}: allocated {allocated} bytes for {output.Count} chars printed ({(double)allocated / output.Count:F2} per char)");
    }

    [Fact]
    public void A_ram_block_list_of_many_blocks_costs_memory_as_its_size_not_its_square()
    {
        // MEM_SIZE announcing 10,000 one-page blocks "b0".."b9999" (a fuzz finding: the list's text was built by
        // concatenation, 1.7 GB for a 119 KB input), then EOS.
        var list = new List<byte>(Hex.Bytes("01 00000001 03 72616d 00000000 00000004"));
        list.AddRange(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((10_000L * 4096) | 4)));
        for (int i = 0; i < 10_000; i++)
        {
            byte[] name = System.Text.Encoding.ASCII.GetBytes("b" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            list.Add((byte)name.Length);
            list.AddRange(name);
            list.AddRange(Hex.Bytes("0000000000001000"));
        }

        list.AddRange(Hex.Bytes("0000000000000010 7e 00000001 00"));
        byte[] stream = WithDescription(Sections(Convert.ToHexString([.. list])), "{\"page_size\": 4096, \"devices\": []}");

        long before = GC.GetAllocatedBytesForCurrentThread();
        AnalysisObject state = MigrationStreamAnalyzer.State(stream, (_, _, _) => { });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_000, ((AnalysisObject)((AnalysisObject)state["ram (1)"]!)["section sizes"]!).Members.Count);
        Assert.True(allocated < 32L << 20, $"allocated {allocated} bytes for a {stream.Length}-byte stream");
    }

    [Fact]
    public void Extraction_past_the_memory_limit_is_refused_and_leaves_nothing()
    {
        // MEM_SIZE announcing block "b" of 1 MiB, then a zero page record and EOS.
        byte[] stream = WithDescription(
            Sections("01 00000001 03 72616d 00000000 00000004 | 0000000000100004 01 62 0000000000100000 | 0000000000000010 | 7e 00000001 | 00"),
            "{\"page_size\": 4096, \"devices\": []}");
        string dir = Path.Combine(TempDir(), "new", "out");

        var e = Assert.Throws<VmStateLoadException>(() => MigrationStreamExtractor.ExtractTo(stream, dir, TextWriter.Null, maxMemory: 1 << 19));

        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(dir)), "the directories it made are left");
        MigrationStreamExtractor.ExtractTo(stream, dir, TextWriter.Null, maxMemory: 1 << 20);
        Assert.Equal(1 << 20, new FileInfo(Path.Combine(dir, "b")).Length);
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(dir))!, recursive: true);
    }

    [Fact]
    public void A_failed_extraction_removes_what_it_wrote_and_keeps_what_was_there()
    {
        // Block "b" of one page, then a page record outside it.
        byte[] stream = WithDescription(
            Sections("01 00000001 03 72616d 00000000 00000004 | 0000000000001004 01 62 0000000000001000 | 0000000000002008 01 62 " + new string('0', 8192) + " | 0000000000000010 | 7e 00000001 | 00"),
            "{\"page_size\": 4096, \"devices\": []}");
        string dir = TempDir();
        try
        {
            File.WriteAllText(Path.Combine(dir, "mine.txt"), "kept");

            Assert.Throws<VmStateLoadException>(() => MigrationStreamExtractor.ExtractTo(stream, dir, TextWriter.Null));

            Assert.Equal(["mine.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "vmstate-streamed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    // One FULL section "d" whose description is one array field of `count` bytes' worth of `type` elements.
    private static byte[] OneDeviceOfBytes(int bytes, string type, int size = 1)
    {
        var random = new Random(bytes);
        byte[] body = new byte[bytes];
        random.NextBytes(body);
        byte[] sections = [.. Hex.Bytes("5145564d 00000003 04 00000001 01 64 00000000 00000001"), .. body, .. Hex.Bytes("7e 00000001 00")];
        string json = "{\"page_size\": 4096, \"devices\": [{\"name\": \"d\", \"instance_id\": 0, \"vmsd_name\": \"d\", \"version\": 1, \"fields\": ["
            + $"{{\"name\": \"a\", \"array_len\": {bytes / size}, \"type\": \"{type}\", \"size\": {size}}}]}}]}}";
        return WithDescription(sections, json);
    }

    private static byte[] Sections(string hex) => [.. Hex.Bytes("5145564d 00000003"), .. Hex.Bytes(hex)];

    private static byte[] WithDescription(byte[] sections, string json)
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes(json);
        byte[] length = [(byte)(text.Length >> 24), (byte)(text.Length >> 16), (byte)(text.Length >> 8), (byte)text.Length];
        return [.. sections, 0x06, .. length, .. text];
    }

    /// <summary>Counts the characters written and keeps none.</summary>
    private sealed class CountingWriter : TextWriter
    {
        public long Count { get; private set; }

        public override System.Text.Encoding Encoding => System.Text.Encoding.ASCII;

        public override void Write(char value) => Count++;

        public override void Write(string? value) => Count += value?.Length ?? 0;

        public override void Write(ReadOnlySpan<char> buffer) => Count += buffer.Length;
    }
}
