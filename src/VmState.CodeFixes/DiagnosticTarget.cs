using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VmState.CodeFixes;

/// <summary>What a diagnostic points at in one document: its tree, semantic model, described type and declaration.</summary>
internal sealed class DiagnosticTarget
{
    private DiagnosticTarget(Document document, SyntaxNode root, SemanticModel model, SyntaxNode node, TypeDeclarationSyntax declaration, INamedTypeSymbol type)
    {
        Document = document;
        Root = root;
        Model = model;
        Node = node;
        Declaration = declaration;
        Type = type;
    }

    public Document Document { get; }

    public SyntaxNode Root { get; }

    public SemanticModel Model { get; }

    /// <summary>The node at the diagnostic's span.</summary>
    public SyntaxNode Node { get; }

    /// <summary>The innermost type declaration around the diagnostic, and its symbol.</summary>
    public TypeDeclarationSyntax Declaration { get; }

    public INamedTypeSymbol Type { get; }

    public static async Task<DiagnosticTarget?> FindAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null || !diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != root.SyntaxTree)
        {
            return null;
        }

        SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan);
        return node.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } declaration && model.GetDeclaredSymbol(declaration, ct) is { } type
            ? new DiagnosticTarget(document, root, model, node, declaration, type)
            : null;
    }

    /// <summary>The member <paramref name="name"/> of the type declared in source, or null.</summary>
    public ISymbol? Member(string? name) =>
        name is null ? null : Type.GetMembers(name).FirstOrDefault(m => !m.IsImplicitlyDeclared && m is IFieldSymbol or IPropertySymbol);

    /// <summary>The member declaration (field or property) of <paramref name="member"/> in this document, or null.</summary>
    public MemberDeclarationSyntax? DeclarationOf(ISymbol member, CancellationToken ct) =>
        member.DeclaringSyntaxReferences.FirstOrDefault(r => r.SyntaxTree == Root.SyntaxTree)?.GetSyntax(ct)
            .FirstAncestorOrSelf<MemberDeclarationSyntax>();

    public static int? Int(Diagnostic diagnostic, string key) =>
        int.TryParse(diagnostic.Properties.GetValueOrDefault(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;

    public static string? String(Diagnostic diagnostic, string key) => diagnostic.Properties.GetValueOrDefault(key);

    public static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.Ordinal);
}
