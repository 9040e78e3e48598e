using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0008: a subsection whose name does not extend the parent's, or a member naming an undeclared one.</summary>
public sealed class Vms0008Tests
{
    [Theory]
    [InlineData("other/sub")]
    [InlineData("dev")]
    public void Reports_a_subsection_not_named_after_its_parent(string name)
    {
        string source = $$"""
            using VmState;

            namespace Tests;

            [VmState("dev")]
            [Subsection("{{name}}")]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0008", source, "Subsection(", name, "dev");
    }

    [Fact]
    public void Reports_a_field_of_an_undeclared_subsection()
    {
        const string source = """
            using VmState;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField(Subsection = "dev/other")] public int Stray;
            }
            """;

        DiagnosticAssert.Reports("VMS0008", source, "Stray", "dev/other", "dev", "Stray");
    }

    [Fact]
    public void Reports_a_hook_of_an_undeclared_subsection()
    {
        const string source = """
            using VmState;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [Needed("dev/sub")] private bool IsSubNeeded() => true;
            }
            """;

        DiagnosticAssert.Reports("VMS0008", source, "IsSubNeeded", "dev/sub", "IsSubNeeded");
    }

    [Fact]
    public void Does_not_report_declared_subsections()
    {
        const string source = """
            using VmState;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/sub")] public int B;
                [Needed("dev/sub")] private bool IsSubNeeded() => B != 0;
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
