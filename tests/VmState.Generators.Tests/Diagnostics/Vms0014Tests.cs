using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0014: a subsection's Parent names no declared subsection, or Parent links go round in a cycle.</summary>
public sealed class Vms0014Tests
{
    [Theory]
    [InlineData("dev/missing")]
    [InlineData("dev")]
    [InlineData("")]
    public void Reports_a_parent_that_is_not_a_declared_subsection(string parent)
    {
        string source = $$"""
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            [Subsection("dev/sub/inner", Parent = "{{parent}}")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/sub/inner")] public int B;
            }
            """;

        DiagnosticAssert.Reports("VMS0014", source, "dev/sub/inner\", Parent", "dev/sub/inner", parent);
    }

    [Fact]
    public void Reports_a_subsection_that_is_its_own_parent()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub", Parent = "dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        Microsoft.CodeAnalysis.Diagnostic d = DiagnosticAssert.Reports("VMS0014", source, "Subsection(", "dev/sub");
        Assert.Contains("leads back", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_every_subsection_on_a_cycle_and_nothing_else()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/a", Parent = "dev/a/b")]
            [Subsection("dev/a/b", Parent = "dev/a")]
            [Subsection("dev/a/b/c", Parent = "dev/a/b")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/a/b/c")] public int C;
            }
            """;

        GeneratorRun run = TestCompilation.Run(source);

        Assert.Equal(["VMS0014", "VMS0014"], run.GeneratorDiagnostics.Select(d => d.Id));
        string[] messages = run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Contains(messages, m => m.StartsWith("Subsection 'dev/a' has Parent = 'dev/a/b'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Subsection 'dev/a/b' has Parent = 'dev/a'", StringComparison.Ordinal));
        Assert.All(messages, m => Assert.Contains("leads back", m, StringComparison.Ordinal));
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
    }

    [Fact]
    public void Does_not_report_declared_parents_at_any_depth_in_any_order()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/a/b/c", Parent = "dev/a/b")]
            [Subsection("dev/a")]
            [Subsection("dev/a/b", Parent = "dev/a")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/a/b/c")] public int C;
                [Needed("dev/a/b")] private bool IsBNeeded() => C != 0;
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
