using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VmState.Generators;

namespace VmState.CodeFixes;

/// <summary>VMS0108: records a rename as <c>FormerName = "shipped"</c> on the member's <c>[VmStateField]</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FormerNameCodeFix)), Shared]
public sealed class FormerNameCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.FieldRenamed.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (DiagnosticTarget.String(diagnostic, "FormerName") is not { } former
                || await DiagnosticTarget.FindAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not { } target
                || target.Member(DiagnosticTarget.String(diagnostic, "Member")) is not { } member
                || AttributeEditing.FindField(member, target.Root.SyntaxTree, context.CancellationToken) is not { } attribute)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Record the former name '" + former + "'", ct => FixAsync(target, attribute, former, ct), nameof(FormerNameCodeFix)),
                diagnostic);
        }
    }

    private static Task<Document> FixAsync(DiagnosticTarget target, AttributeSyntax attribute, string former, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        AttributeSyntax fixedAttribute = AttributeEditing.WithNamed(attribute, "FormerName", AttributeEditing.String(former));
        return Task.FromResult(target.Document.WithSyntaxRoot(target.Root.ReplaceNode(attribute, fixedAttribute)));
    }
}
