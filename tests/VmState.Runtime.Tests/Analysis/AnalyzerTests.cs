using System.Buffers;
using System.Security.Cryptography;
using VmState.Analysis;
using VmState.Description;
using VmState.Runtime.Tests.Migration;
using VmState.Wire;

namespace VmState.Runtime.Tests.Analysis;

/// <summary>The analyzer against what QEMU's analyze-migration.py printed for a real QEMU 7.2 stream.</summary>
public sealed class AnalyzerTests
{
    [Fact]
    public void State_dump_equals_the_scripts_output_byte_for_byte()
    {
        string output = MigrationStreamAnalyzer.State(QemuFixtures.Stream).ToJson() + "\n";
        Assert.Equal(QemuFixtures.Text("pc-16m.analyze-state.json"), output);
    }

    [Fact]
    public void Desc_dump_equals_the_scripts_output_byte_for_byte()
    {
        string output = MigrationStreamAnalyzer.Description(QemuFixtures.Stream).ToJson() + "\n";
        Assert.Equal(QemuFixtures.Text("pc-16m.analyze-desc.json"), output);
    }

    [Fact]
    public void Extracted_ram_blocks_have_the_recorded_sha256()
    {
        string dir = Path.Combine(Path.GetTempPath(), "vmstate-extract-" + Guid.NewGuid().ToString("N"));
        try
        {
            var listing = new StringWriter { NewLine = "\n" };
            MigrationStreamExtractor.ExtractTo(QemuFixtures.Stream, dir, listing);
            string[] lines = QemuFixtures.Text("pc-16m.ram-blocks.sha256").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(9, lines.Length);
            foreach (string line in lines)
            {
                string[] parts = line.Split("  ", 2);
                byte[] block = File.ReadAllBytes(Path.Combine(dir, parts[1]));
                Assert.Equal(parts[0], Convert.ToHexStringLower(SHA256.HashData(block)));
            }

            Assert.StartsWith("desc.json\npc.ram\n", listing.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "state.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_block_id_cannot_escape_the_extract_directory()
    {
        Assert.Throws<VmStateLoadException>(() => MigrationStreamExtractor.BlockPath("/tmp/x", "../../etc/passwd"));
        Assert.EndsWith(Path.Combine("rom@etc", "acpi", "tables"), MigrationStreamExtractor.BlockPath("/tmp/x", "/rom@etc/acpi/tables"), StringComparison.Ordinal);
    }

    [Fact]
    public void Our_own_streams_decode_with_the_values_we_saved()
    {
        using var machine = new StreamTestMachine(fill: true);
        byte[] stream = machine.Save();

        AnalysisObject state = MigrationStreamAnalyzer.State(stream);

        Assert.Equal(["ram (1)", "mig-dev (2)", "mig-dev (3)", "mydev (4)"], state.Members.Select(m => m.Key));
        var dev0 = (AnalysisObject)state["mig-dev (2)"]!;
        Assert.Equal("0xdeadbeef", ((AnalysisString)dev0["a"]!).Value);
        Assert.Equal("0x1234", ((AnalysisString)((AnalysisObject)dev0["mig-dev/extra"]!)["e"]!).Value);
        var my = (AnalysisObject)state["mydev (4)"]!;
        Assert.Equal("0xfffffffffffffffb (-5)", ((AnalysisString)((AnalysisObject)my["mydev/sub"]!)["x"]!).Value);
        Assert.Same(AnalysisBool.True, my["b"]);
        Assert.Equal(["0x0001", "0x0002", "0x0003"], ((AnalysisList)my["arr"]!).Items.Select(i => ((AnalysisString)i).Value));
    }

    [Fact]
    public void Truncated_streams_give_a_typed_error_with_an_offset()
    {
        byte[] stream = QemuFixtures.Stream;
        int vmdesc = stream.AsSpan().LastIndexOf("{\"page_size\""u8) - 6;

        // Cutting the device part while keeping the VMDESCRIPTION at the end: the decoder runs out of section bytes.
        foreach (int cut in new[] { 0, 3, 9, 30, 5000, 1_000_000, vmdesc - 300, vmdesc - 1 })
        {
            byte[] damaged = [.. stream[..cut], .. stream[vmdesc..]];
            VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(damaged));
            Assert.InRange(e.Offset, -1, damaged.Length);
        }

        // Header, EOF and description alone are a valid (empty) stream, for the script too.
        Assert.Empty(MigrationStreamAnalyzer.State([.. stream[..8], .. stream[vmdesc..]]).Members);

        // Without a VMDESCRIPTION nothing can be decoded.
        Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(stream.AsSpan(0, vmdesc - 100)));
    }

    [Fact]
    public void A_wrong_footer_is_reported_with_the_section()
    {
        using var machine = new StreamTestMachine(fill: true);
        byte[] stream = machine.Save();
        int footer = stream.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x7e, 0, 0, 0, 2]); // footer of section 2
        stream[footer + 4] = 9;
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(stream));
        Assert.Contains("Mismatched section footer", e.Message, StringComparison.Ordinal);
        Assert.Equal(footer, e.Offset);
    }
}
