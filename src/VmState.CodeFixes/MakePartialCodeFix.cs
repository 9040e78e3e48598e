using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Text;
using VmState.Generators;

namespace VmState.CodeFixes;

/// <summary>VMS0001: adds <c>partial</c> to the described type and every type that contains it, in every part.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    internal const string Title = "Make the type and its containers partial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.TypeNotPartial.Id);

    /// <inheritdoc/>
    // Several described types may share a container, and parts may live in other files: one solution edit for all.
    public override FixAllProvider GetFixAllProvider() => SolutionFixAll.Instance;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (await DescribedTypeAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not null)
            {
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => FixAsync(document.Project.Solution, [(document, diagnostic)], ct), nameof(MakePartialCodeFix)),
                    diagnostic);
            }
        }
    }

    private static async Task<INamedTypeSymbol?> DescribedTypeAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
        {
            return null;
        }

        SemanticModel? model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        return model?.GetDeclaredSymbol(declaration, ct);
    }

    private static async Task<Solution> FixAsync(Solution solution, IEnumerable<(Document Document, Diagnostic Diagnostic)> diagnostics, CancellationToken ct)
    {
        // Every declaration without 'partial' of each type and its containers, by document; a set, so a shared
        // container is edited once.
        var declarations = new HashSet<(SyntaxTree Tree, TextSpan Span)>();
        foreach ((Document document, Diagnostic diagnostic) in diagnostics)
        {
            for (INamedTypeSymbol? t = await DescribedTypeAsync(document, diagnostic, ct).ConfigureAwait(false); t is not null; t = t.ContainingType)
            {
                foreach (SyntaxReference r in t.DeclaringSyntaxReferences)
                {
                    if (r.GetSyntax(ct) is TypeDeclarationSyntax d && !d.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        declarations.Add((r.SyntaxTree, r.Span));
                    }
                }
            }
        }

        var editor = new SolutionEditor(solution);
        foreach (IGrouping<SyntaxTree, (SyntaxTree Tree, TextSpan Span)> tree in declarations.GroupBy(r => r.Tree))
        {
            if (solution.GetDocument(tree.Key) is not { } document)
            {
                continue;
            }

            DocumentEditor documentEditor = await editor.GetDocumentEditorAsync(document.Id, ct).ConfigureAwait(false);
            foreach ((_, TextSpan span) in tree)
            {
                if (documentEditor.OriginalRoot.FindNode(span).FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } declaration)
                {
                    documentEditor.ReplaceNode(declaration, (node, _) => WithPartial((TypeDeclarationSyntax)node));
                }
            }
        }

        return editor.GetChangedSolution();
    }

    // 'partial' must come right before the type keyword (after 'ref', 'readonly', 'static', ...).
    private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Count > 0)
        {
            return declaration.WithModifiers(declaration.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
        }

        SyntaxToken keyword = declaration.Keyword;
        SyntaxToken partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        return declaration.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
    }

    // Fix All: every VMS0001 of the scope, as one solution edit.
    private sealed class SolutionFixAll : FixAllProvider
    {
        public static readonly SolutionFixAll Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

        public override async Task<CodeAction?> GetFixAsync(FixAllContext context)
        {
            var all = new List<(Document, Diagnostic)>();
            IEnumerable<Document> documents = context.Scope switch
            {
                FixAllScope.Document when context.Document is not null => [context.Document],
                FixAllScope.Project => context.Project.Documents,
                FixAllScope.Solution => context.Solution.Projects.SelectMany(p => p.Documents),
                _ => [],
            };
            foreach (Document document in documents)
            {
                foreach (Diagnostic d in await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
                {
                    all.Add((document, d));
                }
            }

            return all.Count == 0 ? null : CodeAction.Create(Title, ct => FixAsync(context.Solution, all, ct), nameof(MakePartialCodeFix));
        }
    }
}
