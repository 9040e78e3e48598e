using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using VmState.Generators.BaselineUpdate;
using VmState.Generators.Model;

namespace VmState.Generators;

/// <summary>
/// Turns every <c>[VmState]</c> type into save/load/describe/reset code and description metadata. Pipeline only:
/// <see cref="Parser"/> reads symbols into an equatable <see cref="TypeSpec"/>; <see cref="Emitter"/> writes text
/// from it. Diagnostics travel as values and are reported from their own output, so generated source stays cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class VmStateGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.Metadata.VmStateAttribute,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (ctx, ct) => Parser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<TypeSpec> specs = results
            .Where(static r => r.Spec is not null)
            .Select(static (r, _) => r.Spec!)
            .WithTrackingName(TrackingNames.Specs);

        IncrementalValuesProvider<StandInSpec> standIns = results
            .Where(static r => r.StandIn is not null)
            .Select(static (r, _) => r.StandIn!)
            .WithTrackingName(TrackingNames.StandIns);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
            .Select(static (r, _) => r.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        // A baseline update (-p:VmStateUpdateBaseline=true) adds one file of every type's -dump-vmstate entry. The
        // options are reduced to a bool first, so an ordinary build's pipeline caches as before and emits nothing more.
        IncrementalValueProvider<bool> updateBaseline = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => BaselineWriter.IsRequested(options.GlobalOptions))
            .WithTrackingName(TrackingNames.UpdateBaseline);

        IncrementalValueProvider<EquatableArray<BaselineEntry>?> baseline = updateBaseline
            .Combine(specs.Collect())
            .Select(static (pair, _) => pair.Left ? BaselineWriter.WriteEntries(pair.Right) : (EquatableArray<BaselineEntry>?)null)
            .WithTrackingName(TrackingNames.BaselineEntries);

        context.RegisterSourceOutput(baseline, static (spc, entries) =>
        {
            if (entries is { } list)
            {
                spc.AddSource(Emitter.BaselineHintName, SourceText.From(Emitter.EmitBaseline(list), Encoding.UTF8));
            }
        });

        context.RegisterSourceOutput(specs, static (spc, spec) =>
            spc.AddSource(spec.HintName, SourceText.From(Emitter.Emit(spec), Encoding.UTF8)));

        context.RegisterSourceOutput(standIns, static (spc, standIn) =>
            spc.AddSource(standIn.HintName, SourceText.From(Emitter.EmitStandIn(standIn), Encoding.UTF8)));

        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo d in list)
            {
                DiagnosticDescriptor? descriptor = DiagnosticDescriptors.ById(d.Id);
                if (descriptor is not null)
                {
                    spc.ReportDiagnostic(Diagnostic.Create(descriptor, d.Location?.ToLocation(), d.Arguments.Cast<object>().ToArray()));
                }
            }
        });
    }
}
