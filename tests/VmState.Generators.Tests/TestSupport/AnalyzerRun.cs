using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace VmState.Generators.Tests.TestSupport;

/// <summary>Runs one analyzer that needs no additional files over sources, diagnostics in source order.</summary>
internal static class AnalyzerRun
{
    public static ImmutableArray<Diagnostic> Run(DiagnosticAnalyzer analyzer, params string[] sources)
    {
        CompilationWithAnalyzers analysis = TestCompilation.Create(sources).WithAnalyzers(ImmutableArray.Create(analyzer));
        return analysis.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray();
    }
}
