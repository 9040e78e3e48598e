using System;
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
using Microsoft.CodeAnalysis.Formatting;
using VmState.Generators;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace VmState.CodeFixes;

/// <summary>
/// VMS0007, when the method an <c>Exists</c> names does not exist: creates it with the shape the generator accepts,
/// <c>private bool Name() => true;</c> (always on the wire, as the member was before it had a test). The other
/// VMS0007 cases name a method that exists with the wrong shape, which only its author can correct.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CreateTestMethodCodeFix)), Shared]
public sealed class CreateTestMethodCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidMethod.Id);

    /// <inheritdoc/>
    // Several fields may name the same missing test: Fix All creates it once.
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (await MissingTestAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } missing)
            {
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create("Create Exists test '" + missing.Name + "'", ct => FixAsync(document, [diagnostic], ct), nameof(CreateTestMethodCodeFix)),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken ct)
    {
        // In the order the fields name them, as fixing them one by one would add them.
        var wanted = new HashSet<(TypeDeclarationSyntax, string)>();
        var added = new HashSet<TypeDeclarationSyntax>();
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, ct).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (await MissingTestAsync(document, diagnostic, ct).ConfigureAwait(false) is { } missing && wanted.Add(missing))
            {
                MethodDeclarationSyntax test = Test(missing.Name);
                editor.AddMember(missing.Declaration, added.Add(missing.Declaration) ? test : Layout.AfterAddedMember(test, editor.OriginalRoot));
            }
        }

        return editor.GetChangedDocument();
    }

    private static MethodDeclarationSyntax Test(string name) =>
        MethodDeclaration(PredefinedType(Token(SyntaxKind.BoolKeyword)), Identifier(name))
            .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword)))
            .WithExpressionBody(ArrowExpressionClause(LiteralExpression(SyntaxKind.TrueLiteralExpression)))
            .WithSemicolonToken(Token(SyntaxKind.SemicolonToken))
            .WithLeadingTrivia(ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation);

    // The test an [VmStateField] or [Unused] names by Exists, when no member of the type has that name.
    private static async Task<(TypeDeclarationSyntax Declaration, string Name)?> MissingTestAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null
            || root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute
            || attribute.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
            || !(AttributeEditing.Is(model, attribute, KnownTypes.Metadata.VmStateFieldAttribute, ct) || AttributeEditing.Is(model, attribute, KnownTypes.Metadata.UnusedAttribute, ct))
            || AttributeEditing.StringValue(model, AttributeEditing.Named(attribute, "Exists"), ct) is not { } name
            || !SyntaxFacts.IsValidIdentifier(name)
            || model.GetDeclaredSymbol(declaration, ct) is not { } type
            || !type.GetMembers(name).IsEmpty)
        {
            return null;
        }

        return (declaration, name);
    }
}
