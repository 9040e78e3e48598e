using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VmState.Generators.Model;

namespace VmState.Generators.Policy;

/// <summary>
/// VMS0111: a description (or subsection) whose Version nothing needs. Without a baseline the analyzer cannot know the
/// version was raised, but a Version above every field's Since that no hook or test reads is one older destinations
/// refuse for no gain; the first version (1) and a MinimumVersion at Version (old streams dropped on purpose) are fine.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VersionUnusedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.VersionUnused);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(Check, SymbolKind.NamedType);
    }

    private static void Check(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        AttributeData? attribute = AttributeLookup.Find(type, KnownTypes.Metadata.VmStateAttribute);
        if (attribute is null || VmStateGenerator.Parser.Parse(type, context.CancellationToken).Spec is not { } spec)
        {
            return;
        }

        Report(context, spec.Description, attribute, type);
        foreach (DescriptionSpec subsection in spec.Subsections)
        {
            Report(context, subsection, AttributeLookup.Subsection(type, subsection.Name), type);
        }
    }

    private static void Report(SymbolAnalysisContext context, DescriptionSpec d, AttributeData? attribute, INamedTypeSymbol type)
    {
        if (d.Version <= 1 || d.MinimumVersion >= d.Version || IsUsed(d))
        {
            return;
        }

        Location location = AttributeLookup.Argument(attribute, "Version") ?? AttributeLookup.Location(attribute) ?? type.Locations.FirstOrDefault() ?? Location.None;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.VersionUnused, location, d.Name, d.Version.ToString(CultureInfo.InvariantCulture)));
    }

    private static bool IsUsed(DescriptionSpec d) =>
        d.Fields.Any(f => f.Since == d.Version || f.Exists is { TakesVersion: true })
        || d.PostLoad is { TakesVersion: true } || d.PreLoad is { TakesVersion: true };
}
