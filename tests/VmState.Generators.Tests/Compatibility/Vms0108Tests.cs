using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0108: a shipped field renamed in place, same bytes: a warning, silenced by FormerName.</summary>
public sealed class Vms0108Tests
{
    [Fact]
    public void Warns_at_the_member_and_names_both_names()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("C")] public ushort Renamed;
            }
            """;

        Diagnostic d = Assert.Single(CompatibilityAnalysis.Run([source], Shipped.V2()));
        Assert.Equal("VMS0108", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal(TestCompilation.LineOf(source, "public ushort Renamed"), d.Location.GetLineSpan().StartLinePosition.Line);
        string message = d.GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("'C'", message, StringComparison.Ordinal);
        Assert.Contains("'B'", message, StringComparison.Ordinal);
        Assert.Contains("FormerName = \"B\"", message, StringComparison.Ordinal);
        Assert.Equal("B", d.Properties["FormerName"]);
        Assert.Equal("Renamed", d.Properties["Member"]);
    }

    [Fact]
    public void A_recorded_former_name_is_clean()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("C", FormerName = "B")] public ushort Renamed;
            }
            """;

        CompatibilityAnalysis.Clean(source, Shipped.V2());
    }

    [Fact]
    public void A_recorded_former_name_still_has_its_size_checked()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("C", FormerName = "B")] public uint Renamed;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0104", source, "public uint Renamed", Shipped.V2(), "C", "dev");
    }

    [Fact]
    public void A_renamed_field_that_moved_is_not_a_rename()
    {
        // B's name is gone and another shipped field stands in its place: the order changed, an error.
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 4), BaselineJson.Field("C", 4)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public int C;
                [VmStateField] public int D;
            }
            """;

        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run([source], shipped);
        Assert.Contains(diagnostics, d => d.Id == "VMS0103" && d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain(diagnostics, d => d.Id == "VMS0108" && d.GetMessage(CultureInfo.InvariantCulture).Contains("'C'", StringComparison.Ordinal));
    }
}
