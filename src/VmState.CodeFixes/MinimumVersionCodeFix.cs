using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VmState.Generators;

namespace VmState.CodeFixes;

/// <summary>
/// VMS0005: sets MinimumVersion to the description's Version. VMS0102: sets it back to the shipped version, so that
/// release's streams load again.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MinimumVersionCodeFix)), Shared]
public sealed class MinimumVersionCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.MinimumAboveVersion.Id, DiagnosticDescriptors.MinimumRaised.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeArgumentSyntax>() is not { NameEquals.Name.Identifier.Text: "MinimumVersion" } argument)
            {
                continue;
            }

            ExpressionSyntax? value;
            string title;
            if (diagnostic.Id == DiagnosticDescriptors.MinimumRaised.Id)
            {
                if (DiagnosticTarget.Int(diagnostic, "ShippedVersion") is not int shipped)
                {
                    continue;
                }

                value = AttributeEditing.Int(shipped);
                title = "Set MinimumVersion to the shipped version " + shipped.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                // Version as written (a constant stays a constant), else its default, 1.
                value = argument.Parent?.Parent is AttributeSyntax attribute && AttributeEditing.Named(attribute, "Version") is { } version
                    ? version.Expression
                    : AttributeEditing.Int(1);
                title = "Set MinimumVersion to Version";
            }

            Document document = context.Document;
            context.RegisterCodeFix(CodeAction.Create(title, ct => ReplaceAsync(document, argument, value, ct), diagnostic.Id), diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, AttributeArgumentSyntax argument, ExpressionSyntax value, CancellationToken ct)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(ct).ConfigureAwait(false))!;
        return document.WithSyntaxRoot(root.ReplaceNode(argument.Expression, value.WithoutTrivia().WithTriviaFrom(argument.Expression)));
    }
}
