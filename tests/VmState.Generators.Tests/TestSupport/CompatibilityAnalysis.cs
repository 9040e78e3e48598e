using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using VmState.Generators.Compatibility;

namespace VmState.Generators.Tests.TestSupport;

/// <summary>An in-memory additional file.</summary>
internal sealed class TestAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>Analyzer config options from a dictionary.</summary>
internal sealed class TestConfigOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
{
    public static readonly TestConfigOptions Empty = new(ImmutableDictionary<string, string>.Empty);

    public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
}

/// <summary>Gives the additional files in <c>baselines</c> the VmStateBaseline metadata, and nothing else any option.</summary>
internal sealed class TestConfigOptionsProvider(IReadOnlySet<string> baselines) : AnalyzerConfigOptionsProvider
{
    private static readonly TestConfigOptions Baseline = new(ImmutableDictionary<string, string>.Empty.Add(VmStateCompatibilityAnalyzer.BaselineOption, "true"));

    public override AnalyzerConfigOptions GlobalOptions => TestConfigOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestConfigOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        baselines.Contains(textFile.Path) ? Baseline : TestConfigOptions.Empty;
}

/// <summary>Runs <see cref="VmStateCompatibilityAnalyzer"/> over sources with baseline files, and checks what it reports.</summary>
internal static class CompatibilityAnalysis
{
    /// <summary>What the analyzer reports for <paramref name="sources"/> against <paramref name="baselines"/> (file name, JSON).</summary>
    public static ImmutableArray<Diagnostic> Run(string[] sources, params (string File, string Json)[] baselines) =>
        Run(TestCompilation.Create(sources), baselines, []);

    public static ImmutableArray<Diagnostic> Run(Compilation compilation, (string File, string Json)[] baselines, (string File, string Text)[] otherFiles)
    {
        ImmutableArray<AdditionalText> files = baselines.Select(b => (AdditionalText)new TestAdditionalText("/baselines/" + b.File, b.Json))
            .Concat(otherFiles.Select(o => new TestAdditionalText("/other/" + o.File, o.Text)))
            .ToImmutableArray();
        var provider = new TestConfigOptionsProvider(baselines.Select(b => "/baselines/" + b.File).ToHashSet(StringComparer.Ordinal));
        CompilationWithAnalyzers analysis = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new VmStateCompatibilityAnalyzer()),
            new AnalyzerOptions(files, provider));
        ImmutableArray<Diagnostic> all = analysis.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return all.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>
    /// The analyzer reports exactly one diagnostic, <paramref name="id"/>, as an error on the line of
    /// <paramref name="marker"/> in <paramref name="source"/>, its message naming each of <paramref name="named"/>.
    /// </summary>
    public static Diagnostic Reports(string id, string source, string marker, (string File, string Json)[] baselines, params string[] named)
    {
        ImmutableArray<Diagnostic> diagnostics = Run([source], baselines);
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        FileLinePositionSpan span = d.Location.GetLineSpan();
        Assert.Equal("Source0.cs", span.Path);
        Assert.Equal(TestCompilation.LineOf(source, marker), span.StartLinePosition.Line);
        string message = d.GetMessage(CultureInfo.InvariantCulture);
        foreach (string name in named)
        {
            Assert.Contains("'" + name + "'", message, StringComparison.Ordinal);
        }

        return d;
    }

    /// <summary>The analyzer reports nothing for <paramref name="sources"/> against <paramref name="baselines"/>.</summary>
    public static void Clean(string source, params (string File, string Json)[] baselines)
    {
        ImmutableArray<Diagnostic> diagnostics = Run([source], baselines);
        Assert.True(diagnostics.IsEmpty, TestCompilation.Describe(diagnostics));
    }
}

/// <summary>Writes small <c>-dump-vmstate</c> files for tests.</summary>
internal static class BaselineJson
{
    /// <summary>A whole file of <paramref name="sections"/>, after the <c>vmschkmachine</c> entry.</summary>
    public static string File(params string[] sections) =>
        "{\n  \"vmschkmachine\": { \"Name\": \"test-machine\" }" + string.Concat(sections.Select(s => ",\n  " + s)) + "\n}\n";

    /// <summary>One section named like its description.</summary>
    public static string Section(string name, int version, int minimum, string[] fields, params string[] subsections) =>
        $"\"{name}\": {{ \"Name\": \"{name}\", \"version_id\": {version}, \"minimum_version_id\": {minimum}, \"Description\": {Description(name, version, minimum, fields, subsections)} }}";

    public static string Description(string name, int version, int minimum, string[] fields, params string[] subsections) =>
        $"{{ \"name\": \"{name}\", \"version_id\": {version}, \"minimum_version_id\": {minimum}, \"Fields\": [{string.Join(", ", fields)}]"
        + (subsections.Length > 0 ? $", \"Subsections\": [{string.Join(", ", subsections)}]" : "") + " }";

    public static string Field(string name, int size, int version = 0, int? num = null, bool exists = false, string? nested = null) =>
        $"{{ \"field\": \"{name}\", \"version_id\": {version}, \"field_exists\": {(exists ? "true" : "false")}"
        + (num is int n ? $", \"num\": {n}" : "") + $", \"size\": {size}" + (nested is null ? "" : $", \"Description\": {nested}") + " }";
}
