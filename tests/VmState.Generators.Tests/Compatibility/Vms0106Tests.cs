using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0106: a shipped subsection is missing.</summary>
public sealed class Vms0106Tests
{
    private static readonly string Extra = BaselineJson.Description("dev/extra", 1, 1, [BaselineJson.Field("X", 4)]);

    [Fact]
    public void Reports_a_missing_subsection_at_the_type_attribute()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0106", source, "[VmState(\"dev\"", Shipped.V2(Extra), "dev/extra", "dev", "dev-2.json");
    }

    [Fact]
    public void A_kept_subsection_is_checked_like_a_description()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            [Subsection("dev/extra",
                Version = 0)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Subsection = "dev/extra")] public int X;

                [Needed("dev/extra")] private bool ExtraNeeded() => X != 0;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0101", source, "Version = 0", Shipped.V2(Extra), "dev/extra");
    }

    [Fact]
    public void A_kept_subsection_and_a_new_one_with_needed_are_fine()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            [Subsection("dev/extra")]
            [Subsection("dev/more")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Subsection = "dev/extra")] public int X;
                [VmStateField(Subsection = "dev/more")] public long Y;

                [Needed("dev/extra")] private bool ExtraNeeded() => X != 0;
                [Needed("dev/more")] private bool MoreNeeded() => Y != 0;
            }
            """;

        CompatibilityAnalysis.Clean(source, Shipped.V2(Extra));
    }
}
