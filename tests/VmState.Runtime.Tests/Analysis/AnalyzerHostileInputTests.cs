using VmState.Analysis;
using VmState.Description;
using VmState.Wire;

namespace VmState.Runtime.Tests.Analysis;

/// <summary>
/// Damaged streams and hostile descriptions: the analyzer answers with <see cref="VmStateLoadException"/> (or a
/// result), never another exception, a hang or a huge allocation.
/// </summary>
public sealed class AnalyzerHostileInputTests
{
    // One FULL section "d" (id 1, instance 0, version 1) with 8 bytes of state, its footer, then EOF.
    private const string OneDevice = "04 00000001 01 64 00000000 00000001 | 0102030405060708 | 7e 00000001 | 00";

    private static string Device(string fields, string extra = "") =>
        "{\"page_size\": 4096, \"devices\": [{\"name\": \"d\", \"instance_id\": 0, \"vmsd_name\": \"d\", \"version\": 1, \"fields\": ["
        + fields + "]" + extra + "}]}";

    [Theory]
    [InlineData("{\"name\": \"a\", \"array_len\": 4000000000000, \"type\": \"struct\", \"struct\": {\"fields\": []}, \"size\": 0}")]
    [InlineData("{\"name\": \"a\", \"array_len\": 100000000, \"type\": \"buffer\", \"size\": 0}")]
    [InlineData("{\"name\": \"a\", \"type\": \"buffer\", \"size\": 1000000000000}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": -4}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": 0}")]
    [InlineData("{\"name\": \"a\", \"type\": \"int64\", \"size\": 0}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": 1e300}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": \"four\"}")]
    [InlineData("{\"name\": \"a\", \"type\": \"bool\"}")]
    [InlineData("{\"name\": \"a\", \"type\": \"bool\", \"size\": 0}")]
    [InlineData("{\"name\": \"a\", \"type\": \"struct\", \"size\": 1}")]
    [InlineData("{\"name\": \"a\", \"type\": \"struct\", \"struct\": {\"name\": \"no fields\"}}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1, \"array_len\": \"many\"}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": 4}")]
    public void A_hostile_field_description_is_a_load_error(string field)
    {
        byte[] stream = WithDescription(Sections(OneDevice), Device(field));

        Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(stream));
    }

    [Theory]
    [InlineData("{\"page_size\": 4096, \"devices\": [{\"name\": \"d\", \"instance_id\": 0}]}")]
    [InlineData("{\"page_size\": 4096, \"devices\": [{\"name\": \"e\", \"instance_id\": 0, \"fields\": []}]}")]
    [InlineData("{\"page_size\": 4096, \"devices\": [{\"name\": \"d\", \"instance_id\": 0, \"fields\": [], \"subsections\": [{\"vmsd_name\": \"d/s\", \"fields\": []}]}]}")]
    [InlineData("{\"page_size\": 4096, \"devices\": [7]}")]
    [InlineData("{\"page_size\": 4096}")]
    [InlineData("[1, 2]")]
    [InlineData("{\"page_size\": 4096, \"devices\": [")]
    public void A_hostile_device_list_is_a_load_error(string json)
    {
        byte[] stream = WithDescription(Sections(OneDevice), json);

        Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(stream));
    }

    [Fact]
    public void A_size_is_read_as_pythons_int_reads_it()
    {
        // The script takes int(desc['size']): 8.0 and "8" are both 8.
        foreach (string size in new[] { "8", "8.0", "\"8\"" })
        {
            byte[] stream = WithDescription(Sections(OneDevice), Device("{\"name\": \"a\", \"type\": \"uint64\", \"size\": " + size + "}"));

            AnalysisObject state = MigrationStreamAnalyzer.State(stream);

            var d = (AnalysisObject)state["d (1)"]!;
            Assert.Equal("0x0102030405060708", ((AnalysisString)d["a"]!).Value);
        }
    }

    [Fact]
    public void A_bounded_number_of_empty_values_is_still_decoded()
    {
        // Empty structs consume no bytes; a modest count of them is legitimate and decodes as a list.
        byte[] stream = WithDescription(Sections(OneDevice), Device(
            "{\"name\": \"e\", \"array_len\": 3, \"type\": \"struct\", \"struct\": {\"fields\": []}, \"size\": 0}, "
            + "{\"name\": \"a\", \"type\": \"uint64\", \"size\": 8}"));

        var d = (AnalysisObject)MigrationStreamAnalyzer.State(stream)["d (1)"]!;

        Assert.Equal(3, ((AnalysisList)d["e"]!).Items.Count);
        Assert.Equal("0x0102030405060708", ((AnalysisString)d["a"]!).Value);
    }

    [Theory]
    [InlineData("01 00000001 03 72616d 00000000 00000004 | 0000000000001004 | ff")]         // block name runs past the end
    [InlineData("01 00000001 03 72616d 00000000 00000004 | 0000000000000040")]              // XBZRLE
    [InlineData("01 00000001 03 72616d 00000000 00000004 | 0000000000000080")]              // RAM hook
    [InlineData("01 00000001 03 72616d 00000000 00000004 | 0000000000000100")]              // unknown flag
    [InlineData("01 00000001 03 72616d 00000000 00000004 | 0000000000000028")]              // PAGE with CONTINUE, no page
    [InlineData("01 00000001 03 72616d 00000000 00000003 | 0000000000000010 | 00")]         // RAM version 3
    [InlineData("02 00000009 | 00")]                                                          // PART never started
    [InlineData("7e 00000001 | 00")]                                                          // footer before any section
    [InlineData("08 0001 0000 | 00")]                                                         // a command the script does not know
    [InlineData("04 00000001 00 00000000 00000001 | 00")]                                    // empty section name
    [InlineData("04 00000001 01 78 00000000 00000001 | 00")]                                 // no description for section
    [InlineData("09 | 00")]                                                                   // unknown section type
    public void A_hostile_section_is_a_load_error(string hex)
    {
        byte[] stream = WithDescription(Sections(hex), "{\"page_size\": 4096, \"devices\": []}");

        var e = Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(stream, (_, _, _) => { }));
        Assert.InRange(e.Offset, -1, stream.Length);
    }

    [Fact]
    public void Random_corruption_gives_a_load_error_or_a_result_never_a_crash()
    {
        byte[] original = QemuFixtures.Stream;
        int vmdesc = original.AsSpan().LastIndexOf("{\"page_size\""u8) - 5;
        var random = new Random(42);
        int errors = 0;
        for (int round = 0; round < 300; round++)
        {
            byte[] copy = (byte[])original.Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++)
            {
                // Mostly the device sections just before the EOF and the description; sometimes anywhere.
                int at = round % 4 == 3 ? random.Next(copy.Length) : random.Next(Math.Max(0, vmdesc - 60_000), copy.Length);
                copy[at] = (byte)random.Next(256);
            }

            try
            {
                MigrationStreamAnalyzer.State(copy, round % 2 == 0 ? (_, _, _) => { } : null).ToJson();
            }
            catch (VmStateLoadException e)
            {
                Assert.InRange(e.Offset, -1, copy.Length);
                errors++;
            }
        }

        // Flipped bytes in section headers and the JSON are caught; the test would be empty if none were.
        Assert.InRange(errors, 30, 300);
    }

    [Fact]
    public void An_absurd_ram_block_length_cannot_be_extracted()
    {
        // MEM_SIZE announcing one block "b" of 2^62 bytes.
        byte[] stream = WithDescription(
            Sections("01 00000001 03 72616d 00000000 00000004 | 4000000000000004 01 62 4000000000000000 | 0000000000000010 | 7e 00000001 | 00"),
            "{\"page_size\": 4096, \"devices\": []}");
        string dir = Path.Combine(Path.GetTempPath(), "vmstate-absurd-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Throws<VmStateLoadException>(() => MigrationStreamExtractor.ExtractTo(stream, dir, TextWriter.Null));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static byte[] Sections(string hex) => [.. Hex.Bytes("5145564d 00000003"), .. Hex.Bytes(hex)];

    private static byte[] WithDescription(byte[] sections, string json)
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes(json);
        byte[] length = [(byte)(text.Length >> 24), (byte)(text.Length >> 16), (byte)(text.Length >> 8), (byte)text.Length];
        return [.. sections, 0x06, .. length, .. text];
    }
}
