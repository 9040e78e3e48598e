using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests;

/// <summary>The pipeline's named steps are cached across runs, and only a real change regenerates source.</summary>
public sealed class IncrementalityTests
{
    private const string Device = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Tests;

        // A described device.
        [VmState("dev", Version = 2)]
        [Subsection("dev/sub")]
        public partial class Dev
        {
            [VmStateField] public uint A;
            [VmStateField(Length = 4)] public ushort[] Regs = new ushort[4];
            [VmStateField(Subsection = "dev/sub")] public ulong B;
            [Needed("dev/sub")] private bool SubNeeded() => B != 0;
        }
        """;

    private static readonly string[] OwnSteps = [TrackingNames.Parse, TrackingNames.Specs, TrackingNames.Diagnostics];

    [Fact]
    public void A_second_run_over_the_same_compilation_is_all_cached()
    {
        CSharpCompilation compilation = TestCompilation.Create(Device);
        GeneratorDriver driver = TestCompilation.Run(TestCompilation.CreateDriver(), compilation).Driver;

        GeneratorRunResult second = TestCompilation.Run(driver, compilation.Clone()).Result.Results.Single();

        AssertStepsPresent(second);
        foreach (string step in OwnSteps)
        {
            AssertReasons(second, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertOutputReasons(second, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Theory]
    [InlineData("// A described device.", "// A described device, with a changed comment.")]
    [InlineData("[VmStateField] public uint A;", "[VmStateField] public uint A; // the control register")]
    [InlineData("public partial class Dev\n{", "public partial class Dev\n{\n    public int NotMigrated;\n    public void Helper() { }\n")]
    [InlineData("private bool SubNeeded() => B != 0;", "private bool SubNeeded()\n    {\n        ulong b = B;\n        return b != 0;\n    }")]
    public void An_edit_that_does_not_change_the_description_does_not_regenerate(string from, string to)
    {
        (GeneratorRunResult second, _) = RunEdited(Device, Device.Replace(from, to, StringComparison.Ordinal));

        AssertReasons(second, TrackingNames.Specs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(second, TrackingNames.Diagnostics, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputReasons(second, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void A_new_file_without_the_attribute_leaves_the_described_type_cached()
    {
        CSharpCompilation compilation = TestCompilation.Create(Device);
        GeneratorDriver driver = TestCompilation.Run(TestCompilation.CreateDriver(), compilation).Driver;
        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Tests; public class Unrelated { public int X; }", TestCompilation.ParseOptions, path: "Unrelated.cs"));

        GeneratorRunResult second = TestCompilation.Run(driver, edited).Result.Results.Single();

        AssertReasons(second, TrackingNames.Parse, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(second, TrackingNames.Specs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputReasons(second, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Adding_a_field_regenerates()
    {
        string edited = Device.Replace(
            "[VmStateField] public uint A;",
            "[VmStateField] public uint A;\n    [VmStateField] public byte C;",
            StringComparison.Ordinal);

        (GeneratorRunResult second, GeneratorRun run) = RunEdited(Device, edited);

        AssertReasons(second, TrackingNames.Parse, IncrementalStepRunReason.Modified);
        AssertReasons(second, TrackingNames.Specs, IncrementalStepRunReason.Modified);
        AssertOutputReasons(second, IncrementalStepRunReason.Modified);
        Assert.Contains("this.C", run.Source("Tests.Dev"), StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_a_subsection_under_another_regenerates()
    {
        string flat = Device
            .Replace("[Subsection(\"dev/sub\")]", "[Subsection(\"dev/sub\")]\n[Subsection(\"dev/sub/inner\")]", StringComparison.Ordinal)
            .Replace("public ulong B;", "public ulong B;\n    [VmStateField(Subsection = \"dev/sub/inner\")] public byte C;", StringComparison.Ordinal);
        string nested = flat.Replace("[Subsection(\"dev/sub/inner\")]", "[Subsection(\"dev/sub/inner\", Parent = \"dev/sub\")]", StringComparison.Ordinal);

        (GeneratorRunResult second, GeneratorRun run) = RunEdited(flat, nested);

        AssertReasons(second, TrackingNames.Specs, IncrementalStepRunReason.Modified);
        AssertOutputReasons(second, IncrementalStepRunReason.Modified);
        Assert.Contains("TryReadHeader(ref reader, \"dev/sub\", __subsectionNames_sub,", run.Source("Tests.Dev"), StringComparison.Ordinal);
    }

    [Fact]
    public void Introducing_an_error_removes_the_source_and_reports_it()
    {
        string edited = Device.Replace("[VmStateField] public uint A;", "[VmStateField(Since = 3)] public uint A;", StringComparison.Ordinal);

        (GeneratorRunResult second, GeneratorRun run) = RunEdited(Device, edited);

        AssertReasons(second, TrackingNames.Diagnostics, IncrementalStepRunReason.Modified);
        AssertOutputReasons(second, IncrementalStepRunReason.Removed);
        Assert.Equal("VMS0004", Assert.Single(run.GeneratorDiagnostics).Id);
    }

    private static (GeneratorRunResult Second, GeneratorRun Run) RunEdited(string before, string after)
    {
        Assert.NotEqual(before, after);
        CSharpCompilation compilation = TestCompilation.Create(before);
        GeneratorDriver driver = TestCompilation.Run(TestCompilation.CreateDriver(), compilation).Driver;
        SyntaxTree oldTree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            oldTree, CSharpSyntaxTree.ParseText(after, TestCompilation.ParseOptions, path: oldTree.FilePath));

        GeneratorRun run = TestCompilation.Run(driver, edited);
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        return (run.Result.Results.Single(), run);
    }

    private static void AssertStepsPresent(GeneratorRunResult result)
    {
        foreach (string step in OwnSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step '{step}' was not tracked; tracked: {string.Join(", ", result.TrackedSteps.Keys)}");
        }
    }

    private static void AssertReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"step '{step}' did not run");
        var reasons = runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Contains(r, allowed));
    }

    // The generated sources: the output step fed by the Specs step (the diagnostics output is fed by Diagnostics).
    private static void AssertOutputReasons(GeneratorRunResult result, params IncrementalStepRunReason[] allowed)
    {
        Assert.True(result.TrackedOutputSteps.TryGetValue("SourceOutput", out var runs), "no source output was tracked");
        var reasons = runs
            .Where(r => r.Inputs.Any(i => i.Source.Name == TrackingNames.Specs))
            .SelectMany(r => r.Outputs)
            .Select(o => o.Reason)
            .ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Contains(r, allowed));
    }
}
