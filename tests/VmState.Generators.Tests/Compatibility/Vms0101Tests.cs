using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0101: Version lowered below a shipped version.</summary>
public sealed class Vms0101Tests
{
    [Fact]
    public void Reports_a_lowered_version_at_the_argument()
    {
        string source = Shipped.Header + """
            [VmState("dev",
                Version = 1)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0101", source, "Version = 1", Shipped.V2(), "dev", "dev-2.json");
    }

    [Fact]
    public void A_raised_version_is_fine()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
            }
            """;

        CompatibilityAnalysis.Clean(source, Shipped.V2());
    }

    [Fact]
    public void A_type_no_baseline_names_is_new_and_fine()
    {
        string source = Shipped.Header + """
            [VmState("other", Version = 1)]
            public partial class Other
            {
                [VmStateField] public byte Z;
            }
            """;

        CompatibilityAnalysis.Clean(source, Shipped.V2());
    }
}
