using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using VmState.Generators.Policy;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Policy;

/// <summary>VMS0112: a Needed or Exists test that assigns state of its object.</summary>
public sealed class Vms0112Tests
{
    private const string Header = """
        using VmState.Description;

        namespace Tests;

        [VmState("dev")]
        [Subsection("dev/extra")]
        public partial class Dev
        {
            [VmStateField] public int A;
            [VmStateField(Subsection = "dev/extra")] public int B;
            private int _calls;
            public int Counter { get; set; }

        """;

    private static ImmutableArray<Diagnostic> Run(string members) => AnalyzerRun.Run(new PredicateAssignsAnalyzer(), Header + members + "\n}\n");

    [Theory]
    [InlineData("[Needed(\"dev/extra\")] private bool HasExtra() { _calls++; return B != 0; }", "_calls++", "_calls")]
    [InlineData("[Needed(\"dev/extra\")] private bool HasExtra() { Counter = 1; return B != 0; }", "Counter = 1", "Counter")]
    [InlineData("[Needed(\"dev/extra\")] private bool HasExtra() { this.A += 1; return B != 0; }", "this.A += 1", "A")]
    public void Warns_at_the_assignment_in_a_needed_test(string member, string at, string assigned)
    {
        Diagnostic d = Assert.Single(Run(member));
        Assert.Equal("VMS0112", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        string source = Header + member + "\n}\n";
        Assert.Equal(at, source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("'" + assigned + "'", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.StartsWith("Needed test 'HasExtra'", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Warns_in_an_exists_test()
    {
        string members = """
            [VmStateField(Exists = nameof(HasC))] public int C;
            private bool HasC() { (A, _calls) = (1, 2); return true; }
            [Needed("dev/extra")] private bool HasExtra() => B != 0;
            """;

        ImmutableArray<Diagnostic> diagnostics = Run(members);
        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.StartsWith("Exists test 'HasC'", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public void Locals_other_objects_and_other_methods_are_clean()
    {
        string members = """
            [Needed("dev/extra")] private bool HasExtra() { int n = B; n++; var other = new Dev(); other.A = 2; return n != 1; }
            [PreSave] private void Prepare() { _calls++; Counter = 2; }
            """;

        Assert.Empty(Run(members));
    }
}
