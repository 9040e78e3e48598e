using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using VmState.Generators;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace VmState.CodeFixes;

/// <summary>Finds VmState attributes in a document's syntax and writes their arguments.</summary>
internal static class AttributeEditing
{
    /// <summary>
    /// The syntax of the attribute of class <paramref name="metadataName"/> on <paramref name="symbol"/>, when it is
    /// written in <paramref name="tree"/> (a fix edits one document).
    /// </summary>
    public static AttributeSyntax? Find(ISymbol symbol, string metadataName, SyntaxTree tree, CancellationToken ct) =>
        InTree(AttributeLookup.Find(symbol, metadataName), tree, ct);

    /// <summary>
    /// The syntax of the member's one <c>[VmStateField]</c>, when written in <paramref name="tree"/>. A member with
    /// several (fields reached by Path) gives null: the diagnostic does not say which of them it is about.
    /// </summary>
    public static AttributeSyntax? FindField(ISymbol member, SyntaxTree tree, CancellationToken ct)
    {
        AttributeData[] fields = member.GetAttributes().Where(a => AttributeLookup.IsClass(a, KnownTypes.Metadata.VmStateFieldAttribute)).Take(2).ToArray();
        return fields.Length == 1 ? InTree(fields[0], tree, ct) : null;
    }

    /// <summary>The syntax of <c>[Subsection(name)]</c> on <paramref name="type"/>, when written in <paramref name="tree"/>.</summary>
    public static AttributeSyntax? FindSubsection(INamedTypeSymbol type, string name, SyntaxTree tree, CancellationToken ct) =>
        InTree(AttributeLookup.Subsection(type, name), tree, ct);

    private static AttributeSyntax? InTree(AttributeData? a, SyntaxTree tree, CancellationToken ct) =>
        a?.ApplicationSyntaxReference is { } r && r.SyntaxTree == tree ? r.GetSyntax(ct) as AttributeSyntax : null;

    /// <summary>Whether <paramref name="attribute"/> binds to the attribute class <paramref name="metadataName"/>.</summary>
    public static bool Is(SemanticModel model, AttributeSyntax attribute, string metadataName, CancellationToken ct)
    {
        SymbolInfo info = model.GetSymbolInfo(attribute, ct);
        ISymbol? constructor = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
        return constructor?.ContainingType is { ContainingType: null } c
            && string.Equals(c.ToDisplayString(), metadataName, StringComparison.Ordinal);
    }

    /// <summary>The named argument <paramref name="name"/> (<c>Name = value</c>) of <paramref name="attribute"/>, or null.</summary>
    public static AttributeArgumentSyntax? Named(AttributeSyntax attribute, string name) =>
        attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == name);

    /// <summary>The attribute with <c>name = value</c>: the argument replaced when written, else added last.</summary>
    public static AttributeSyntax WithNamed(AttributeSyntax attribute, string name, ExpressionSyntax value)
    {
        value = value.WithoutTrivia();
        if (Named(attribute, name) is { } existing)
        {
            return attribute.ReplaceNode(existing, existing.WithExpression(value.WithTriviaFrom(existing.Expression)));
        }

        AttributeArgumentSyntax argument = AttributeArgument(NameEquals(IdentifierName(name)), null, value);
        AttributeArgumentListSyntax list = attribute.ArgumentList ?? AttributeArgumentList();
        return attribute.WithArgumentList(list.WithArguments(list.Arguments.Add(argument)));
    }

    /// <summary>The attribute without its named argument <paramref name="name"/>, and without empty parentheses.</summary>
    public static AttributeSyntax WithoutNamed(AttributeSyntax attribute, string name)
    {
        if (Named(attribute, name) is not { } existing || attribute.ArgumentList is not { } list)
        {
            return attribute;
        }

        SeparatedSyntaxList<AttributeArgumentSyntax> rest = list.Arguments.Remove(existing);
        return rest.Count == 0 ? attribute.WithArgumentList(null) : attribute.WithArgumentList(list.WithArguments(rest));
    }

    /// <summary>An attribute list holding one new attribute, formatted where it is inserted.</summary>
    public static AttributeListSyntax List(AttributeSyntax attribute) =>
        AttributeList(SingletonSeparatedList(attribute)).WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary>
    /// <paramref name="member"/> with <paramref name="inserted"/> placed just before <paramref name="anchor"/>, one of its
    /// attributes: in a list of its own when the anchor opens its list, otherwise in the anchor's list. Attribute order
    /// is wire order for padding.
    /// </summary>
    public static MemberDeclarationSyntax InsertBefore(MemberDeclarationSyntax member, AttributeSyntax anchor, params AttributeSyntax[] inserted)
    {
        var list = (AttributeListSyntax)anchor.Parent!;
        int listIndex = member.AttributeLists.IndexOf(list);
        int index = list.Attributes.IndexOf(anchor);
        if (index > 0)
        {
            AttributeListSyntax widened = list.WithAttributes(list.Attributes.InsertRange(index, inserted.Select(a => a.NormalizeWhitespace())));
            return member.WithAttributeLists(member.AttributeLists.Replace(list, widened));
        }

        // On the anchor's line, before it: the new lists take over its leading trivia (indentation, comments).
        // Plain (not elastic) spaces, or the formatter would move each list onto a line of its own.
        AttributeListSyntax[] lists = inserted.Select(a => AttributeList(SingletonSeparatedList(a)).NormalizeWhitespace().WithTrailingTrivia(Space)).ToArray();
        lists[0] = lists[0].WithLeadingTrivia(list.GetLeadingTrivia());
        return member.WithAttributeLists(member.AttributeLists
            .Replace(list, list.WithoutLeadingTrivia())
            .InsertRange(listIndex, lists));
    }

    /// <summary>
    /// The name of the runtime attribute class <paramref name="metadataName"/> (one of KnownTypes.Metadata), fully
    /// qualified and marked for simplification: it reads <c>Unused</c> where <c>using VmState.Description;</c> is in
    /// scope, and still binds where it is not.
    /// </summary>
    public static NameSyntax ClassName(string metadataName)
    {
        NameSyntax name = AliasQualifiedName(IdentifierName(Token(SyntaxKind.GlobalKeyword)), IdentifierName(metadataName.Substring(0, metadataName.IndexOf('.'))));
        foreach (string part in metadataName.Split('.').Skip(1))
        {
            name = QualifiedName(name, IdentifierName(part));
        }

        return name.WithAdditionalAnnotations(Simplifier.Annotation);
    }

    public static LiteralExpressionSyntax Int(int value) =>
        LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(value));

    public static LiteralExpressionSyntax String(string value) =>
        LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(value));

    /// <summary>The value of <paramref name="argument"/> when it is a compile-time int.</summary>
    public static int? IntValue(SemanticModel model, AttributeArgumentSyntax? argument, CancellationToken ct) =>
        argument is not null && model.GetConstantValue(argument.Expression, ct) is { HasValue: true, Value: int v } ? v : null;

    /// <summary>The value of <paramref name="argument"/> when it is a compile-time string.</summary>
    public static string? StringValue(SemanticModel model, AttributeArgumentSyntax? argument, CancellationToken ct) =>
        argument is not null && model.GetConstantValue(argument.Expression, ct) is { HasValue: true, Value: string v } ? v : null;
}
