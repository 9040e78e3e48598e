using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using VmState.Generators.Policy;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Policy;

/// <summary>VMS0111: a Version that no field, padding, hook or test needs.</summary>
public sealed class Vms0111Tests
{
    private const string Header = """
        using VmState.Description;

        namespace Tests;

        """;

    private static ImmutableArray<Diagnostic> Run(string source) => AnalyzerRun.Run(new VersionUnusedAnalyzer(), source);

    [Fact]
    public void Warns_at_the_version_argument()
    {
        string source = Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 2)] public int B;
            }
            """;

        Diagnostic d = Assert.Single(Run(source));
        Assert.Equal("VMS0111", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal("Version = 3", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void Warns_for_a_subsection_at_its_version_argument()
    {
        string source = Header + """
            [VmState("dev")]
            [Subsection("dev/extra", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/extra")] public int B;
                [Needed("dev/extra")] private bool HasExtra() => B != 0;
            }
            """;

        Diagnostic d = Assert.Single(Run(source));
        Assert.Equal(TestCompilation.LineOf(source, "[Subsection(\"dev/extra\""), d.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Theory]
    [InlineData("[VmStateField(Since = 3)] public int C;")]
    [InlineData("[Unused(4, Since = 3)] private int _pad;")]
    [InlineData("[PostLoad] private void Fix(int version) { }")]
    [InlineData("[VmStateField(Exists = nameof(Old))] public int C; private bool Old(int version) => version < 2;")]
    public void A_version_something_uses_is_clean(string member)
    {
        string source = Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;

            """ + member + "\n}\n";

        Assert.Empty(Run(source));
    }

    [Theory]
    [InlineData("[VmState(\"dev\")]")]
    [InlineData("[VmState(\"dev\", Version = 3, MinimumVersion = 3)]")]
    public void The_first_version_and_a_minimum_at_version_are_clean(string attribute)
    {
        string source = Header + attribute + """

            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        Assert.Empty(Run(source));
    }
}
