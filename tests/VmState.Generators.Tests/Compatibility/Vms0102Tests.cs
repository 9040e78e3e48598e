using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0102: MinimumVersion raised above a shipped version.</summary>
public sealed class Vms0102Tests
{
    [Fact]
    public void Reports_a_minimum_above_the_shipped_version_at_the_argument()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 3,
                MinimumVersion = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 3)] public int C;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0102", source, "MinimumVersion = 3", Shipped.V2(), "dev", "dev-2.json");
    }

    [Fact]
    public void A_minimum_at_the_shipped_version_is_fine()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 3, MinimumVersion = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 3)] public int C;
            }
            """;

        CompatibilityAnalysis.Clean(source, Shipped.V2());
    }
}
