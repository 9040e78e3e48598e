using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VmState.Description;

namespace VmState.Generators.Tests.TestSupport;

/// <summary>What one generator run over an in-memory compilation produced.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    GeneratorDriverRunResult Result,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> OutputErrors)
{
    /// <summary>Generated sources by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; } = Result.GeneratedTrees.ToDictionary(
        t => Path.GetFileName(t.FilePath), t => t.GetText().ToString(), StringComparer.Ordinal);

    /// <summary>The one generated source whose hint name starts with <paramref name="typeName"/>.</summary>
    public string Source(string typeName)
    {
        string[] hits = Sources.Keys.Where(k => k.StartsWith(typeName + ".", StringComparison.Ordinal)).ToArray();
        Assert.True(hits.Length == 1, $"expected one generated file for '{typeName}', got: {string.Join(", ", Sources.Keys)}");
        return Sources[hits[0]];
    }
}

/// <summary>Compiles C# in memory against .NET 10 and the VmState runtime, and runs <see cref="VmStateGenerator"/> over it.</summary>
internal static class TestCompilation
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(VmStateAttribute).Assembly.Location),
    ];

    public static CSharpCompilation Create(params string[] sources) => CSharpCompilation.Create(
        "TestAssembly",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A driver for the generator; <paramref name="options"/> gives it build properties (a baseline update, say).</summary>
    public static GeneratorDriver CreateDriver(AnalyzerConfigOptionsProvider? options = null) => CSharpGeneratorDriver.Create(
        [new VmStateGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        optionsProvider: options,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateDriver(), Create(sources));

    /// <summary>Runs <paramref name="driver"/> (fresh or from an earlier run) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, CSharpCompilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        ImmutableArray<Diagnostic> errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return new GeneratorRun(compilation, output, driver, driver.GetRunResult(), diagnostics, errors);
    }

    /// <summary>0-based line of the first line of <paramref name="source"/> containing <paramref name="marker"/>.</summary>
    public static int LineOf(string source, string marker)
    {
        string[] lines = source.Replace("\r\n", "\n").Split('\n');
        int line = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.True(line >= 0, $"marker '{marker}' not in the source");
        Assert.True(Array.FindIndex(lines, line + 1, l => l.Contains(marker, StringComparison.Ordinal)) < 0, $"marker '{marker}' is not unique");
        return line;
    }

    /// <summary>Formats diagnostics for assertion messages.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));
}
