using System.Buffers;
using VmState.Analysis;
using VmState.Description;
using VmState.Migration;
using VmState.Schema;
using VmState.Wire;

namespace VmState.Runtime.Tests.Subsections;

/// <summary>
/// Subsections of a subsection, by QEMU's rules (vmstate_subsection_save/load recurse): a child follows its parent's
/// fields, before the parent's later siblings; the parent's loader takes only names with its own prefix.
/// </summary>
public sealed class NestedSubsectionTests
{
    private const string A = "11";
    private const string PHeader = "05 | 03 6e 2f 70 | 00 00 00 01";          // "n/p" v1
    private const string PBody = "22 22";
    private const string CHeader = "05 | 05 6e 2f 70 2f 63 | 00 00 00 02";    // "n/p/c" v2
    private const string CBody = "33";
    private const string SHeader = "05 | 03 6e 2f 73 | 00 00 00 01";          // "n/s" v1
    private const string SBody = "44";

    private static NestDev Source(bool p, bool c, bool s) =>
        new() { A = 0x11, P = 0x2222, C = 0x33, S = 0x44, PNeeded = p, CNeeded = c, SNeeded = s };

    private static NestDev Target() => new() { A = 0xff, P = 0xffff, C = 0xff, S = 0xff };

    [Fact]
    public void Child_is_saved_inside_its_parent_before_the_parents_later_sibling()
    {
        Hex.AssertSaves(Source(p: true, c: true, s: true), A + PHeader + PBody + CHeader + CBody + SHeader + SBody);
    }

    [Fact]
    public void Child_that_is_not_needed_is_absent()
    {
        Hex.AssertSaves(Source(p: true, c: false, s: true), A + PHeader + PBody + SHeader + SBody);
    }

    [Fact]
    public void Child_of_a_parent_that_is_not_needed_is_neither_saved_nor_asked()
    {
        NestDev dev = Source(p: false, c: true, s: true);
        Hex.AssertSaves(dev, A + SHeader + SBody);
        Assert.Equal(0, dev.CNeededCalls);
    }

    [Fact]
    public void Save_all_subsections_includes_the_child()
    {
        NestDev dev = Source(p: false, c: false, s: false);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output) { SaveAllSubsections = true };
        dev.SaveVmState(ref writer);
        writer.Flush();
        Assert.Equal(Hex.Of(Hex.Bytes(A + PHeader + PBody + CHeader + CBody + SHeader + SBody)), Hex.Of(output.WrittenSpan));
    }

    [Fact]
    public void Parent_and_child_load_and_the_child_loads_before_the_parents_post_load()
    {
        NestDev dev = Target();
        VmStateSerializer.Load(dev, Hex.Bytes(A + PHeader + PBody + CHeader + CBody + SHeader + SBody));
        Assert.Equal(0x11, dev.A);
        Assert.Equal(0x2222, dev.P);
        Assert.Equal(0x33, dev.C);
        Assert.Equal(0x44, dev.S);
        Assert.Equal(2, dev.CVersion);
        Assert.Equal(["c", "p", "s", "n"], dev.Loaded);
    }

    [Fact]
    public void Missing_child_is_accepted_and_leaves_its_field()
    {
        NestDev dev = Target();
        VmStateSerializer.Load(dev, Hex.Bytes(A + PHeader + PBody + SHeader + SBody));
        Assert.Equal(0x2222, dev.P);
        Assert.Equal(0xff, dev.C);
        Assert.Equal(0x44, dev.S);
        Assert.Equal(["p", "s", "n"], dev.Loaded);
    }

    [Fact]
    public void Sibling_before_the_parent_is_fine_the_child_still_follows_its_parent()
    {
        NestDev dev = Target();
        VmStateSerializer.Load(dev, Hex.Bytes(A + SHeader + SBody + PHeader + PBody + CHeader + CBody));
        Assert.Equal(0x33, dev.C);
        Assert.Equal(["s", "c", "p", "n"], dev.Loaded);
    }

    [Theory]
    [InlineData(A + CHeader + CBody)]                                      // the child alone, where its parent belongs
    [InlineData(A + PHeader + PBody + SHeader + SBody + CHeader + CBody)]  // the child after its parent has ended
    public void Child_outside_its_parent_is_an_unknown_subsection_of_the_type(string hex)
    {
        // QEMU: the name has the type's prefix ("n"), so the type's loader looks it up among its own subsections and
        // fails with "unknown subsection".
        NestDev dev = Target();
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes(hex)));
        Assert.Contains("'n/p/c' does not exist in 'n'", e.Message, StringComparison.Ordinal);
        Assert.Equal("n", e.Description);
        Assert.Equal(0xff, dev.C);
    }

    [Fact]
    public void Unknown_name_with_the_parents_prefix_is_an_error_of_the_parent()
    {
        string unknown = "05 | 05 6e 2f 70 2f 7a | 00 00 00 01";   // "n/p/z"
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(Target(), Hex.Bytes(A + PHeader + PBody + unknown)));
        Assert.Contains("'n/p/z' does not exist in 'n/p'", e.Message, StringComparison.Ordinal);
        Assert.Equal("n/p", e.Location);
    }

    [Fact]
    public void Error_inside_the_child_names_the_whole_path()
    {
        string cV3 = "05 | 05 6e 2f 70 2f 63 | 00 00 00 03";
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(Target(), Hex.Bytes(A + PHeader + PBody + cV3 + CBody)));
        Assert.Contains("too new", e.Message, StringComparison.Ordinal);
        Assert.Equal("n/p/c", e.Location);
        Assert.Equal(1 + 9 + 2 + 11, e.Offset);
    }

    [Fact]
    public void Loading_stops_before_what_is_neither_the_parents_nor_the_types()
    {
        string other = "05 | 03 78 2f 79 | 00 00 00 01";   // "x/y"
        byte[] input = Hex.Bytes(A + PHeader + PBody + CHeader + CBody + other);
        var reader = new VmStateReader(input);
        NestDev dev = Target();
        VmStateSerializer.Load(dev, ref reader, 1);
        Assert.Equal(input.Length - Hex.Bytes(other).Length, reader.Position);
        Assert.Equal(0x33, dev.C);
    }

    [Fact]
    public void Vmdescription_puts_the_child_inside_its_parent()
    {
        const string expected =
            "{\"vmsd_name\": \"n\", \"version\": 1, \"fields\": [{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}], " +
            "\"subsections\": [" +
            "{\"vmsd_name\": \"n/p\", \"version\": 1, \"fields\": [{\"name\": \"p\", \"type\": \"uint16\", \"size\": 2}], " +
            "\"subsections\": [{\"vmsd_name\": \"n/p/c\", \"version\": 2, \"fields\": [{\"name\": \"c\", \"type\": \"uint8\", \"size\": 1}]}]}, " +
            "{\"vmsd_name\": \"n/s\", \"version\": 1, \"fields\": [{\"name\": \"s\", \"type\": \"uint8\", \"size\": 1}]}]}";
        NestDev dev = Source(p: true, c: true, s: true);
        Assert.Equal(expected, VmStateSerializer.Describe(dev));
        Assert.Equal(VmStateSerializer.Save(dev).Length, VmStateSerializer.SizeOf(dev));
    }

    [Fact]
    public void Metadata_nests_the_child_description_in_its_parents()
    {
        VmStateDescription d = NestDev.VmStateDescription;
        Assert.Equal(["n/p", "n/s"], d.Subsections.Select(s => s.Name));
        VmStateDescription c = Assert.Single(d.Subsections[0].Subsections);
        Assert.Equal("n/p/c", c.Name);
        Assert.Equal(2, c.Version);
        Assert.True(c.HasNeeded);
        Assert.Equal("c", Assert.Single(c.Fields).Name);
        Assert.Empty(d.Subsections[1].Subsections);
    }

    [Fact]
    public void Dump_vmstate_nests_the_child_in_its_parents_subsections()
    {
        string dump = DumpVmStateWriter.Write("pc-test", [NestDev.VmStateDescription]);
        const string expected = """
                  "Subsections": [
                    {
                      "name": "n/p",
                      "version_id": 1,
                      "minimum_version_id": 1,
                      "Fields": [
                        {
                          "field": "p",
                          "version_id": 0,
                          "field_exists": false,
                          "size": 2
                        }
                      ],
                      "Subsections": [
                        {
                          "name": "n/p/c",
                          "version_id": 2,
                          "minimum_version_id": 1,
                          "Fields": [
                            {
                              "field": "c",
                              "version_id": 0,
                              "field_exists": false,
                              "size": 1
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "name": "n/s",
            """;
        Assert.Contains(expected.Replace("\r\n", "\n", StringComparison.Ordinal), dump, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_save_and_load_allocate_nothing()
    {
        NestDev dev = Source(p: true, c: true, s: true);
        byte[] saved = VmStateSerializer.Save(dev);
        byte[] buffer = new byte[64];
        NestDev target = Target();
        target.Loaded = new List<string>(1024);
        for (int i = 0; i < 10; i++)
        {
            Round(dev, buffer, target, saved);
        }

        target.Loaded.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Round(dev, buffer, target, saved);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0x33, target.C);

        static void Round(NestDev dev, byte[] buffer, NestDev target, byte[] saved)
        {
            var writer = new VmStateWriter(buffer.AsSpan());
            dev.SaveVmState(ref writer);
            var reader = new VmStateReader(saved);
            target.LoadVmState(ref reader, 1);
            if (target.Loaded.Count > 900)
            {
                target.Loaded.Clear();
            }
        }
    }

    [Fact]
    public void Stream_analyzer_reads_the_child_inside_its_parent_from_a_snapshot()
    {
        var registry = new VmStateRegistry();
        registry.Register(Source(p: true, c: true, s: true));
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(registry, output, new MigrationStreamOptions { MachineName = "test-machine" });

        AnalysisObject state = MigrationStreamAnalyzer.State(output.WrittenSpan);

        var dev = (AnalysisObject)Assert.Single(state.Members).Value!;
        var p = (AnalysisObject)dev["n/p"]!;
        Assert.Equal("0x2222", ((AnalysisString)p["p"]!).Value);
        Assert.Equal("0x33", ((AnalysisString)((AnalysisObject)p["n/p/c"]!)["c"]!).Value);
        Assert.Null(dev["n/p/c"]);
        Assert.Equal("0x44", ((AnalysisString)((AnalysisObject)dev["n/s"]!)["s"]!).Value);
    }
}
