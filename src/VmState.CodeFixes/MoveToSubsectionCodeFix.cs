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
/// VMS0105, "move it into a new subsection" (QEMU's preferred way): a new <c>[Subsection("dev/field")]</c> on the
/// type, <c>Subsection = "dev/field"</c> on the field, and a <c>[Needed]</c> test. The test returns true, so the
/// value always travels and nothing is lost; its TODO asks for the condition under which older releases can do
/// without it, which only the device's author knows. Offered for fields of the type's own description only.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveToSubsectionCodeFix)), Shared]
public sealed class MoveToSubsectionCodeFix : CodeFixProvider
{
    internal const string NeededTodo = "// TODO: return false while the value is what older releases assume, so they can load the stream.";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NewFieldWithoutVersion.Id);

    /// <inheritdoc/>
    // New names must be unique across the fields fixed together.
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (await MoveAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } move)
            {
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create("Move '" + move.Member.Name + "' into a new subsection with a Needed test", ct => FixAsync(document, [diagnostic], ct), nameof(MoveToSubsectionCodeFix)),
                    diagnostic);
            }
        }
    }

    private sealed record Move(DiagnosticTarget Target, ISymbol Member, AttributeSyntax Field, string Description);

    private static async Task<Move?> MoveAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        if (DiagnosticTarget.String(diagnostic, "Subsection") is not null
            || DiagnosticTarget.String(diagnostic, "Description") is not { } description
            || await DiagnosticTarget.FindAsync(document, diagnostic, ct).ConfigureAwait(false) is not { } target
            || target.Member(DiagnosticTarget.String(diagnostic, "Member")) is not { } member
            || AttributeEditing.FindField(member, target.Root.SyntaxTree, ct) is not { } field
            || target.DeclarationOf(member, ct)?.Parent is not TypeDeclarationSyntax)
        {
            return null;
        }

        return new Move(target, member, field, description);
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken ct)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, ct).ConfigureAwait(false);
        var taken = new Dictionary<INamedTypeSymbol, (HashSet<string> Subsections, HashSet<string> Members)>(SymbolEqualityComparer.Default);
        var done = new HashSet<AttributeSyntax>();
        foreach (Diagnostic diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (await MoveAsync(document, diagnostic, ct).ConfigureAwait(false) is not { } move || !done.Add(move.Field))
            {
                continue;
            }

            INamedTypeSymbol type = move.Target.Type;
            if (!taken.TryGetValue(type, out var names))
            {
                taken[type] = names = (Subsections(type), Identifiers.MemberNames(type));
            }

            // Named after the field as QEMU names subsections ("e1000/mit_state"); the test after the member.
            string fieldName = AttributeEditing.StringValue(move.Target.Model, move.Field.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null), ct)
                ?? Identifiers.Snake(move.Member.Name);
            string subsection = Identifiers.Unique(move.Description + "/" + Identifiers.Snake(Identifiers.Sanitize(fieldName)), names.Subsections);
            string needed = Identifiers.Unique("Is" + Identifiers.Pascal(move.Member.Name) + "Needed", names.Members);

            // Since counted the type's versions; the subsection starts at its own version 1.
            AttributeSyntax field = AttributeEditing.WithoutNamed(AttributeEditing.WithNamed(move.Field, "Subsection", AttributeEditing.String(subsection)), "Since");
            editor.ReplaceNode(move.Field, field);

            var declaration = (TypeDeclarationSyntax)move.Target.DeclarationOf(move.Member, ct)!.Parent!;
            editor.ReplaceNode(declaration, (node, _) => WithSubsection((TypeDeclarationSyntax)node, subsection));
            editor.AddMember(declaration, NeededTest(needed, subsection));
        }

        return editor.GetChangedDocument();
    }

    private static HashSet<string> Subsections(INamedTypeSymbol type) => new(
        type.GetAttributes()
            .Where(a => AttributeLookup.IsClass(a, KnownTypes.Metadata.SubsectionAttribute) && a.ConstructorArguments.Length == 1)
            .Select(a => a.ConstructorArguments[0].Value as string ?? ""),
        StringComparer.Ordinal);

    // After the type's last attribute list, on a line of its own.
    private static TypeDeclarationSyntax WithSubsection(TypeDeclarationSyntax declaration, string name)
    {
        AttributeSyntax attribute = Attribute(AttributeEditing.ClassName(KnownTypes.Metadata.SubsectionAttribute), AttributeArgumentList(SingletonSeparatedList(AttributeArgument(AttributeEditing.String(name)))));
        return declaration.AddAttributeLists(AttributeEditing.List(attribute));
    }

    private static MethodDeclarationSyntax NeededTest(string name, string subsection)
    {
        AttributeSyntax attribute = Attribute(AttributeEditing.ClassName(KnownTypes.Metadata.NeededAttribute), AttributeArgumentList(SingletonSeparatedList(AttributeArgument(AttributeEditing.String(subsection)))));
        return MethodDeclaration(PredefinedType(Token(SyntaxKind.BoolKeyword)), Identifier(name))
            .WithAttributeLists(SingletonList(AttributeList(SingletonSeparatedList(attribute))))
            .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword)))
            .WithExpressionBody(ArrowExpressionClause(LiteralExpression(SyntaxKind.TrueLiteralExpression)))
            .WithSemicolonToken(Token(SyntaxKind.SemicolonToken))
            .WithLeadingTrivia(Comment(NeededTodo), ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
