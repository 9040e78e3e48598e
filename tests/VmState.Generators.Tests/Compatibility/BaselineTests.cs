using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>Several baselines, and baselines that cannot be read.</summary>
public sealed class BaselineTests
{
    [Fact]
    public void Each_release_is_checked_so_a_field_readded_with_another_size_is_caught_against_the_first()
    {
        (string, string)[] baselines =
        [
            ("dev-1.json", BaselineJson.File(BaselineJson.Section("dev", 1, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2)]))),
            ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4)]))),
        ];
        string source = Shipped.Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 3)] public int B;
            }
            """;

        // Against the first release B is back with another size and another Since; the second release lacks B.
        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run([source], baselines);
        Assert.Equal(["VMS0104", "VMS0109"], diagnostics.Select(d => d.Id));
        Assert.All(diagnostics, d =>
        {
            Assert.Equal(TestCompilation.LineOf(source, "public int B"), d.Location.GetLineSpan().StartLinePosition.Line);
            Assert.Contains("'dev-1.json'", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_section_is_met_by_its_dump_key_so_a_nested_description_named_like_it_is_not_compared_with_it()
    {
        // QEMU's PCI VGA: the section "vga" (listed as VGA) nests the common state, also named "vga". Only the type
        // whose dump key is VGA meets the entry; the nested one is checked where the section nests it.
        string shipped = BaselineJson.File(
            "\"VGA\": { \"Name\": \"VGA\", \"version_id\": 2, \"minimum_version_id\": 2, \"Description\": "
            + BaselineJson.Description("vga", 2, 2, [BaselineJson.Field("vga", 8, nested: BaselineJson.Description("vga", 2, 2, [BaselineJson.Field("latch", 4), BaselineJson.Field("sr_index", 1)]))])
            + " }");
        string source = Shipped.Header + """
            [VmState("vga", Version = 2, MinimumVersion = 2)]
            public partial class Common
            {
                [VmStateField("latch")] public uint Latch;
                [VmStateField("sr_index")] public byte SrIndex;
            }

            [VmState("vga", Version = 2, MinimumVersion = 2, DeviceType = "VGA", DumpSize = 8)]
            public partial class PciVga
            {
                [VmStateField("vga")] public Common Vga = new();
            }
            """;
        CompatibilityAnalysis.Clean(source, ("qemu.json", shipped));

        // A change inside the nested state is still caught, through the section that nests it.
        string changed = source.Replace("public byte SrIndex", "public ushort SrIndex", StringComparison.Ordinal);
        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run([changed], ("qemu.json", shipped));
        Assert.Equal("VMS0104", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void A_malformed_baseline_is_one_warning_naming_the_file()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run([source], ("broken.json", "{ \"dev\": { \"Description\": [1, 2"));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("VMS0107", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal(Location.None, d.Location);
        Assert.Contains("'broken.json'", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{ \"dev\": { \"Description\": { \"version_id\": 1 } } }")]
    [InlineData("{ \"dev\": { \"Description\": { \"name\": \"dev\", \"version_id\": 1.5 } } }")]
    [InlineData("{ \"dev\": 1 } trailing")]
    public void Baselines_of_the_wrong_shape_are_reported_not_thrown(string json)
    {
        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run(["class C { }"], ("bad.json", json));
        Assert.Equal("VMS0107", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Deep_nesting_is_reported_not_overflowed()
    {
        string json = new string('[', 100_000) + new string(']', 100_000);
        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run(["class C { }"], ("deep.json", json));
        Assert.Equal("VMS0107", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Additional_files_not_marked_as_baselines_are_ignored()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 1)]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run(
            TestCompilation.Create(source), [], [("dev-2.json", Shipped.V2()[0].Json), ("notes.txt", "{ not json")]);
        Assert.True(diagnostics.IsEmpty, TestCompilation.Describe(diagnostics));
    }
}
