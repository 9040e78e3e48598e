using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
/// VMS0103, "keep its bytes as [Unused]": the removed shipped field comes back as padding of its size in its place,
/// so every field after it keeps its offset. An <c>[Unused]</c> pads just before what it decorates, so it goes
/// onto the member now in the field's place (before that member's own attribute), or, when the field was last,
/// onto an empty method added as the type's last member.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(KeepAsUnusedCodeFix)), Shared]
public sealed class KeepAsUnusedCodeFix : CodeFixProvider
{
    internal const string PaddingMethodPrefix = "ShippedPadding_";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ShippedFieldMissing.Id);

    /// <inheritdoc/>
    // Several removed fields before one member (or at the end) must come back in their shipped order.
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (await PlaceAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } place)
            {
                Document document = context.Document;
                string title = "Keep the bytes of '" + place.ShippedName + "' as [Unused(" + place.Bytes.ToString(CultureInfo.InvariantCulture) + ")]";
                context.RegisterCodeFix(CodeAction.Create(title, ct => FixAsync(document, [diagnostic], ct), nameof(KeepAsUnusedCodeFix)), diagnostic);
            }
        }
    }

    // Where the padding goes: before Anchor (an attribute of Member), or, with no anchor, into End as a new method.
    private sealed record Place(
        string ShippedName, int Bytes, int Order, AttributeSyntax Padding,
        MemberDeclarationSyntax? Member, AttributeSyntax? Anchor, TypeDeclarationSyntax? End, INamedTypeSymbol Type);

    private static async Task<Place?> PlaceAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        if (DiagnosticTarget.String(diagnostic, "ShippedName") is not { } shippedName
            || DiagnosticTarget.Int(diagnostic, "Bytes") is not int bytes || bytes <= 0
            || await DiagnosticTarget.FindAsync(document, diagnostic, ct).ConfigureAwait(false) is not { } target)
        {
            return null;
        }

        int order = DiagnosticTarget.Int(diagnostic, "ShippedIndex") ?? 0;
        AttributeSyntax padding = Padding(bytes, DiagnosticTarget.Int(diagnostic, "Since") ?? 0, DiagnosticTarget.String(diagnostic, "Subsection"));
        var place = new Place(shippedName, bytes, order, padding, null, null, null, target.Type);

        // Padding in the field's place: the new padding goes before it.
        if (target.Node.FirstAncestorOrSelf<AttributeSyntax>() is { } attribute
            && AttributeEditing.Is(target.Model, attribute, KnownTypes.Metadata.UnusedAttribute, ct)
            && attribute.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } paddedMember and not BaseTypeDeclarationSyntax)
        {
            return place with { Member = paddedMember, Anchor = attribute };
        }

        // A member in the field's place: before the attribute that makes it a field.
        if (target.Member(DiagnosticTarget.String(diagnostic, "Before")) is { } before)
        {
            return AttributeEditing.FindField(before, target.Root.SyntaxTree, ct) is { } field
                && field.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member
                ? place with { Member = member, Anchor = field }
                : null;
        }

        // At the end: a method as the type's last member, which must then be in this file's part of the type.
        SyntaxReference? last = target.Type.DeclaringSyntaxReferences.LastOrDefault();
        return last is not null && last.SyntaxTree == target.Root.SyntaxTree && last.GetSyntax(ct) is TypeDeclarationSyntax end
            ? place with { End = end }
            : null;
    }

    private static AttributeSyntax Padding(int bytes, int since, string? subsection)
    {
        var arguments = new List<AttributeArgumentSyntax> { AttributeArgument(AttributeEditing.Int(bytes)) };
        if (since != 0)
        {
            arguments.Add(AttributeArgument(NameEquals(IdentifierName("Since")), null, AttributeEditing.Int(since)));
        }

        if (subsection is not null)
        {
            arguments.Add(AttributeArgument(NameEquals(IdentifierName("Subsection")), null, AttributeEditing.String(subsection)));
        }

        return Attribute(AttributeEditing.ClassName(KnownTypes.Metadata.UnusedAttribute), AttributeArgumentList(SeparatedList(arguments)));
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken ct)
    {
        var places = new List<Place>();
        var seen = new HashSet<(string, string)>();
        foreach (Diagnostic diagnostic in diagnostics)
        {
            // One shipped field may be reported once per baseline: it comes back once.
            if (await PlaceAsync(document, diagnostic, ct).ConfigureAwait(false) is { } place
                && seen.Add((place.Type.ToDisplayString(), place.ShippedName + "/" + DiagnosticTarget.String(diagnostic, "Subsection"))))
            {
                places.Add(place);
            }
        }

        DocumentEditor editor = await DocumentEditor.CreateAsync(document, ct).ConfigureAwait(false);
        foreach (IGrouping<MemberDeclarationSyntax, Place> member in places.Where(p => p.Member is not null).GroupBy(p => p.Member!))
        {
            MemberDeclarationSyntax original = member.Key;
            List<IGrouping<AttributeSyntax, Place>> anchors = member.GroupBy(p => p.Anchor!).ToList();
            MemberDeclarationSyntax updated = original.TrackNodes(anchors.Select(a => a.Key));
            foreach (IGrouping<AttributeSyntax, Place> anchor in anchors)
            {
                AttributeSyntax[] inserted = anchor.OrderBy(p => p.Order).Select(p => p.Padding).ToArray();
                updated = AttributeEditing.InsertBefore(updated, updated.GetCurrentNode(anchor.Key)!, inserted);
            }

            editor.ReplaceNode(original, updated);
        }

        foreach (IGrouping<TypeDeclarationSyntax, Place> end in places.Where(p => p.End is not null).GroupBy(p => p.End!))
        {
            HashSet<string> taken = Identifiers.MemberNames(end.First().Type);
            foreach (Place place in end.OrderBy(p => p.Order))
            {
                string name = Identifiers.Unique(PaddingMethodPrefix + Identifiers.Sanitize(place.ShippedName), taken);
                editor.AddMember(end.Key, PaddingMethod(name, place.Padding));
            }
        }

        return editor.GetChangedDocument();
    }

    // [Unused(n)] private void ShippedPadding_name() { }: a method carries the padding and nothing else.
    private static MethodDeclarationSyntax PaddingMethod(string name, AttributeSyntax padding) =>
        MethodDeclaration(PredefinedType(Token(SyntaxKind.VoidKeyword)), Identifier(name))
            .WithAttributeLists(SingletonList(AttributeList(SingletonSeparatedList(padding))))
            .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword)))
            .WithBody(Block())
            .WithAdditionalAnnotations(Formatter.Annotation);
}
