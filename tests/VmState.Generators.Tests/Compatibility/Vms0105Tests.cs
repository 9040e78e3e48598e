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
}
