using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VmState.Generators;
using VmState.Generators.Model;

namespace VmState.CodeFixes.Tests.TestSupport;

/// <summary>
/// The generator's "cannot generate" diagnostics (VMS0001…), reported by an analyzer: the code-fix harness asks
/// analyzers, not generators, for the diagnostics it fixes. It runs the generator's own parser, as the compatibility
/// analyzer does, and reports what the generator would, at the same places.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorDiagnosticsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = Enumerable.Range(1, 99)
        .Select(i => DiagnosticDescriptors.ById($"VMS{i:0000}"))
        .OfType<DiagnosticDescriptor>()
        .ToImmutableArray();

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (AttributeLookup.Find(type, KnownTypes.Metadata.VmStateAttribute) is null)
        {
            return;
        }

        foreach (DiagnosticInfo d in VmStateGenerator.Parser.Parse(type, context.CancellationToken).Diagnostics)
        {
            // The generator reports by file path; the harness wants locations in its trees.
            SyntaxTree? tree = d.Location is null ? null : context.Compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == d.Location.FilePath);
            Location location = tree is null ? Location.None : Location.Create(tree, d.Location!.Span);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ById(d.Id)!, location, d.Arguments.Cast<object>().ToArray()));
        }
    }
}
