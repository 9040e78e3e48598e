using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0105: a new field without a version above the shipped one.</summary>
public sealed class Vms0105Tests
{
    [Fact]
    public void Reports_a_new_trailing_field_at_the_member()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField] public int C;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0105", source, "public int C", Shipped.V2(), "C", "dev", "dev-2.json");
    }

    [Fact]
    public void Reports_an_inserted_field_with_the_shipped_version_at_the_member()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 2)] public int C;
                [VmStateField] public ushort B;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0105", source, "public int C", Shipped.V2(), "C");
    }

    [Fact]
    public void A_new_field_since_the_next_version_is_fine()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 3)] public int C;
            }
            """;

        CompatibilityAnalysis.Clean(source, Shipped.V2());
    }

    [Fact]
    public void A_new_field_in_a_new_subsection_is_fine()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            [Subsection("dev/extra")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Subsection = "dev/extra")] public int C;

                [Needed("dev/extra")] private bool ExtraNeeded() => C != 0;
            }
            """;

        CompatibilityAnalysis.Clean(source, Shipped.V2());
    }

    [Fact]
    public void Reports_a_new_field_of_a_nested_struct_whatever_its_since_at_the_struct_member()
    {
        string inner = BaselineJson.Description("inner", 1, 1, [BaselineJson.Field("X", 4)]);
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("In", 4, nested: inner)]))) };
        string source = Shipped.Header + """
            [VmState("inner", Version = 2)]
            public partial class Inner
            {
                [VmStateField] public int X;
                [VmStateField(Since = 2)] public int Y;
            }

            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public Inner In = new();
            }
            """;

        Microsoft.CodeAnalysis.Diagnostic d = CompatibilityAnalysis.Reports("VMS0105", source, "public Inner In", shipped, "Y", "inner");
        Assert.Contains("loaded at its own version", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
