using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using VmState.Generators.Compatibility;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>An IDE analyzes a new compilation per edit with the same baseline texts: they are read once.</summary>
public sealed class BaselineCacheTests
{
    // One text for the file's lifetime, as an IDE's additional document keeps it until the file changes.
    private sealed class StableText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    [Fact]
    public void An_edit_inside_a_method_body_does_not_read_the_baseline_again()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public uint B;
                public int Helper() => A + 1;
            }
            """;
        var file = new StableText("/baselines/dev-2.json", Shipped.V2()[0].Json);
        var options = new AnalyzerOptions([file], new TestConfigOptionsProvider(new HashSet<string>(StringComparer.Ordinal) { file.Path }));
        CSharpCompilation first = TestCompilation.Create(source);
        ImmutableArray<Diagnostic> before = Analyze(first, options);
        Baseline? read = VmStateCompatibilityAnalyzer.Cached(file.GetText());
        Assert.NotNull(read);

        SyntaxTree tree = first.SyntaxTrees.Single(t => t.ToString().Contains("Helper", StringComparison.Ordinal));
        SyntaxTree edited = tree.WithChangedText(SourceText.From(tree.ToString().Replace("A + 1", "A * 2 + 1", StringComparison.Ordinal)));
        ImmutableArray<Diagnostic> after = Analyze(first.ReplaceSyntaxTree(tree, edited), options);

        Assert.Same(read, VmStateCompatibilityAnalyzer.Cached(file.GetText()));
        // The same break is still reported from the one reading.
        Assert.Equal(["VMS0104"], before.Select(d => d.Id));
        Assert.Equal(["VMS0104"], after.Select(d => d.Id));
    }

    private static ImmutableArray<Diagnostic> Analyze(Compilation compilation, AnalyzerOptions options) =>
        compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new VmStateCompatibilityAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
}
