using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using VmState.Generators;

namespace VmState.CodeFixes;

/// <summary>
/// The last resort for a compatibility break (VMS0101–VMS0106, VMS0108–VMS0110): the diagnosed type's current entry
/// replaces its shipped one in the project's newest baseline, as <c>-p:VmStateUpdateBaseline=true</c> would write it,
/// which drops compatibility with that release's layout on purpose. Older baselines are left as they are.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AcceptIntoBaselineCodeFix)), Shared]
public sealed class AcceptIntoBaselineCodeFix : CodeFixProvider
{
    private const string KeyPrefix = nameof(AcceptIntoBaselineCodeFix) + ":";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.VersionLowered.Id,
        DiagnosticDescriptors.MinimumRaised.Id,
        DiagnosticDescriptors.ShippedFieldMissing.Id,
        DiagnosticDescriptors.FieldSizeChanged.Id,
        DiagnosticDescriptors.NewFieldWithoutVersion.Id,
        DiagnosticDescriptors.ShippedSubsectionMissing.Id,
        DiagnosticDescriptors.FieldRenamed.Id,
        DiagnosticDescriptors.SinceChanged.Id,
        DiagnosticDescriptors.ExistsChanged.Id);

    /// <inheritdoc/>
    // One rewrite of the file for every type diagnosed in scope: per-document fixes of one shared file would collide.
    public override FixAllProvider GetFixAllProvider() => new FixAll();

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (NewestBaseline.Of(context.Document.Project) is not { } baseline)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!baseline.Reported(diagnostic)
                || await DiagnosticTarget.FindAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not { } target
                || await baseline.MergeAsync([target.Type], target.Model.Compilation, context.CancellationToken).ConfigureAwait(false) is not { } text)
            {
                continue;
            }

            Solution solution = context.Document.Project.Solution;
            string title = "Accept '" + Description(target.Type) + "' into baseline '" + baseline.FileName + "'";
            // Lowest priority: the IDE lists it after the fixes that keep compatibility.
            context.RegisterCodeFix(
                CodeAction.Create(
                    title, _ => Task.FromResult(solution.WithAdditionalDocumentText(baseline.Document.Id, text)),
                    KeyPrefix + baseline.Document.FilePath, CodeActionPriority.Lowest),
                diagnostic);
        }
    }

    // The description name, as the diagnostics name the type.
    private static string Description(INamedTypeSymbol type) =>
        AttributeLookup.Find(type, KnownTypes.Metadata.VmStateAttribute)?.ConstructorArguments.FirstOrDefault().Value as string ?? type.Name;

    private sealed class FixAll : FixAllProvider
    {
        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

        public override async Task<CodeAction?> GetFixAsync(FixAllContext context)
        {
            IEnumerable<Project> projects = context.Scope == FixAllScope.Solution ? context.Solution.Projects : [context.Project];
            var changes = new List<(DocumentId Id, SourceText Text)>();
            foreach (Project project in projects)
            {
                if (NewestBaseline.Of(project) is not { } baseline
                    || context.CodeActionEquivalenceKey != KeyPrefix + baseline.Document.FilePath
                    || await project.GetCompilationAsync(context.CancellationToken).ConfigureAwait(false) is not { } compilation)
                {
                    continue;
                }

                IEnumerable<Document> documents = context.Scope == FixAllScope.Document && context.Document is { } only ? [only] : project.Documents;
                var types = new List<INamedTypeSymbol>();
                foreach (Document document in documents)
                {
                    foreach (Diagnostic diagnostic in await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
                    {
                        if (baseline.Reported(diagnostic)
                            && await DiagnosticTarget.FindAsync(document, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } target
                            && !types.Contains(target.Type, SymbolEqualityComparer.Default))
                        {
                            types.Add(target.Type);
                        }
                    }
                }

                if (await baseline.MergeAsync(types, compilation, context.CancellationToken).ConfigureAwait(false) is { } text)
                {
                    changes.Add((baseline.Document.Id, text));
                }
            }

            if (changes.Count == 0)
            {
                return null;
            }

            Solution solution = context.Solution;
            return CodeAction.Create(
                "Accept every diagnosed type into its project's newest baseline",
                _ => Task.FromResult(changes.Aggregate(solution, (s, c) => s.WithAdditionalDocumentText(c.Id, c.Text))),
                context.CodeActionEquivalenceKey);
        }
    }
}
