using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility.Mutations;

/// <summary>One textual edit of a device source: the text at <paramref name="Span"/> of <paramref name="File"/> becomes <paramref name="Text"/>.</summary>
internal sealed record SourceEdit(string File, TextSpan Span, string Text);

/// <summary>A <c>[VmState]</c> type of the device sources: its description name and where its attribute is.</summary>
internal sealed class DescribedType(string typeName, string description, string file, AttributeSyntax attribute, ImmutableArray<TypeDeclarationSyntax> parts)
{
    public string TypeName { get; } = typeName;

    /// <summary>The description's name (the attribute's first argument).</summary>
    public string Description { get; } = description;

    /// <summary>The file of the part that carries <c>[VmState]</c>.</summary>
    public string File { get; } = file;

    public AttributeSyntax Attribute { get; } = attribute;

    public ImmutableArray<TypeDeclarationSyntax> Parts { get; } = parts;

    /// <summary>The type's <c>[Subsection]</c> attributes by the name they declare.</summary>
    public Dictionary<string, AttributeSyntax> Subsections { get; } = new(StringComparer.Ordinal);

    /// <summary>The type's string constants (subsection names are given through them).</summary>
    public Dictionary<string, string> Constants { get; } = new(StringComparer.Ordinal);
}

/// <summary>A member with <c>[VmStateField]</c>: what a mutation can pick, with the syntax it edits.</summary>
internal sealed class MigratedMember(DescribedType owner, string file, MemberDeclarationSyntax declaration, AttributeSyntax attribute, string fieldName, string? subsection)
{
    public DescribedType Owner { get; } = owner;

    public string File { get; } = file;

    public MemberDeclarationSyntax Declaration { get; } = declaration;

    public AttributeSyntax Attribute { get; } = attribute;

    /// <summary>The field's name in the schema (the attribute's first argument).</summary>
    public string FieldName { get; } = fieldName;

    /// <summary>The subsection the field goes to, or null for the description's own list.</summary>
    public string? Subsection { get; } = subsection;

    /// <summary>The C# member's name.</summary>
    public string MemberName => Declaration switch
    {
        FieldDeclarationSyntax f => f.Declaration.Variables[0].Identifier.Text,
        PropertyDeclarationSyntax p => p.Identifier.Text,
        _ => "?",
    };

    /// <summary>The member's type as written.</summary>
    public TypeSyntax Type => Declaration switch
    {
        FieldDeclarationSyntax f => f.Declaration.Type,
        PropertyDeclarationSyntax p => p.Type,
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Where the field goes: its subsection's name, or the description's.</summary>
    public string Scope => Subsection ?? Owner.Description;

    /// <summary>The named argument <paramref name="name"/> of the field attribute, or null.</summary>
    public AttributeArgumentSyntax? Argument(string name) =>
        Attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == name);

    /// <summary>The member as a mutation's name shows it: <c>cpu_common.halted</c>.</summary>
    public string Label => Scope + "." + FieldName;
}

/// <summary>
/// The sample machine's device sources read syntactically: every described type, its subsections and its migrated
/// members in declaration order, so mutations can pick members and edit their text without a compilation.
/// </summary>
internal sealed class DeviceSources
{
    private readonly Dictionary<string, SyntaxTree> _trees;
    private readonly Dictionary<string, int> _identifierCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _reads = new(StringComparer.Ordinal);

    public DeviceSources(IReadOnlyDictionary<string, string> files)
    {
        Files = files;
        _trees = files.ToDictionary(f => f.Key, f => CSharpSyntaxTree.ParseText(f.Value, TestCompilation.ParseOptions, path: f.Key), StringComparer.Ordinal);
        var parts = new Dictionary<string, List<(string File, TypeDeclarationSyntax Syntax)>>(StringComparer.Ordinal);
        foreach ((string file, SyntaxTree tree) in _trees.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            SyntaxNode root = tree.GetRoot();
            foreach (SyntaxToken token in root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)))
            {
                _identifierCounts[token.Text] = _identifierCounts.GetValueOrDefault(token.Text) + 1;
                if (token.Parent is IdentifierNameSyntax use && !IsAssignmentTarget(use))
                {
                    _reads[token.Text] = _reads.GetValueOrDefault(token.Text) + 1;
                }
            }

            foreach (TypeDeclarationSyntax type in root.DescendantNodes().OfType<TypeDeclarationSyntax>())
            {
                string name = type.Identifier.Text;
                if (!parts.TryGetValue(name, out var list))
                {
                    parts[name] = list = [];
                }

                list.Add((file, type));
            }
        }

        foreach ((string name, var declarations) in parts)
        {
            (string file, TypeDeclarationSyntax main) = declarations.FirstOrDefault(d => FindAttribute(d.Syntax.AttributeLists, "VmState") is not null);
            if (main is null)
            {
                continue;
            }

            AttributeSyntax attribute = FindAttribute(main.AttributeLists, "VmState")!;
            var type = new DescribedType(name, StringArgument(attribute, 0)!, file, attribute, [.. declarations.Select(d => d.Syntax)]);
            foreach (TypeDeclarationSyntax part in type.Parts)
            {
                foreach (FieldDeclarationSyntax constant in part.Members.OfType<FieldDeclarationSyntax>().Where(f => f.Modifiers.Any(SyntaxKind.ConstKeyword)))
                {
                    VariableDeclaratorSyntax v = constant.Declaration.Variables[0];
                    if (v.Initializer?.Value is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal)
                    {
                        type.Constants[v.Identifier.Text] = literal.Token.ValueText;
                    }
                }
            }

            foreach (AttributeSyntax sub in main.AttributeLists.SelectMany(l => l.Attributes).Where(a => AttributeName(a) == "Subsection"))
            {
                type.Subsections[Resolve(type, sub.ArgumentList!.Arguments[0].Expression)!] = sub;
            }

            Types.Add(type);
            foreach ((string memberFile, TypeDeclarationSyntax part) in declarations)
            {
                foreach (MemberDeclarationSyntax member in part.Members)
                {
                    foreach (AttributeSyntax a in member.AttributeLists.SelectMany(l => l.Attributes).Where(a => AttributeName(a) == "VmStateField"))
                    {
                        string? subsection = a.ArgumentList?.Arguments.FirstOrDefault(x => x.NameEquals?.Name.Identifier.Text == "Subsection") is { } s
                            ? Resolve(type, s.Expression)
                            : null;
                        Members.Add(new MigratedMember(type, memberFile, member, a, StringArgument(a, 0) ?? "?", subsection));
                    }
                }
            }
        }
    }

    /// <summary>The sources by path.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>Every described type.</summary>
    public List<DescribedType> Types { get; } = [];

    /// <summary>Every migrated member, per type in declaration order (partial parts in file order).</summary>
    public List<MigratedMember> Members { get; } = [];

    /// <summary>The described type named <paramref name="typeName"/>.</summary>
    public DescribedType Type(string typeName) => Types.Single(t => t.TypeName == typeName);

    /// <summary>The members of one description (a type's main list or one subsection), in order.</summary>
    public List<MigratedMember> Scope(DescribedType type, string? subsection) =>
        [.. Members.Where(m => m.Owner == type && string.Equals(m.Subsection, subsection, StringComparison.Ordinal))];

    /// <summary>The member whose field is <paramref name="fieldName"/> in <paramref name="scope"/> (a description or subsection name).</summary>
    public MigratedMember Member(string scope, string fieldName) =>
        Members.Single(m => m.Scope == scope && m.FieldName == fieldName);

    /// <summary>True when the member's C# name occurs only where it is declared, so its type can change without touching other code.</summary>
    public bool IsReferencedOnlyByItsDeclaration(MigratedMember member) => _identifierCounts.GetValueOrDefault(member.MemberName) == 1;

    /// <summary>True when the member's C# name is used only as the target of assignments, so a wider type still compiles.</summary>
    public bool IsOnlyAssigned(MigratedMember member) => _reads.GetValueOrDefault(member.MemberName) == 0;

    /// <summary>The sources with <paramref name="edits"/> applied: the whole new text of each edited file.</summary>
    public Dictionary<string, string> Apply(IEnumerable<SourceEdit> edits)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IGrouping<string, SourceEdit> file in edits.GroupBy(e => e.File, StringComparer.Ordinal))
        {
            SourceText text = _trees[file.Key].GetText();
            result[file.Key] = text.WithChanges(file.Select(e => new TextChange(e.Span, e.Text))).ToString();
        }

        return result;
    }

    /// <summary>The text of <paramref name="node"/> as written.</summary>
    public static string Text(SyntaxNode node) => node.ToString();

    /// <summary>Replaces <paramref name="node"/>'s text (without its trivia).</summary>
    public static SourceEdit Replace(string file, SyntaxNode node, string text) => new(file, node.Span, text);

    /// <summary>Inserts <paramref name="text"/> at <paramref name="position"/>.</summary>
    public static SourceEdit Insert(string file, int position, string text) => new(file, new TextSpan(position, 0), text);

    /// <summary>Removes <paramref name="node"/> with its trivia.</summary>
    public static SourceEdit Remove(string file, SyntaxNode node) => new(file, node.FullSpan, "");

    /// <summary>Sets the named argument <paramref name="name"/> of <paramref name="attribute"/> to <paramref name="value"/>, adding it when absent.</summary>
    public static SourceEdit SetArgument(string file, AttributeSyntax attribute, string name, string value)
    {
        AttributeArgumentSyntax? existing = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == name);
        if (existing is not null)
        {
            return Replace(file, existing.Expression, value);
        }

        return attribute.ArgumentList is { } list
            ? Insert(file, list.CloseParenToken.SpanStart, (list.Arguments.Count > 0 ? ", " : "") + name + " = " + value)
            : Insert(file, attribute.Span.End, "(" + name + " = " + value + ")");
    }

    /// <summary>Removes the named argument <paramref name="name"/> (and the comma before it) from <paramref name="attribute"/>.</summary>
    public static SourceEdit RemoveArgument(string file, AttributeSyntax attribute, string name)
    {
        SeparatedSyntaxList<AttributeArgumentSyntax> args = attribute.ArgumentList!.Arguments;
        int i = args.IndexOf(a => a.NameEquals?.Name.Identifier.Text == name);
        if (i < 0)
        {
            throw new ArgumentException($"no argument {name} in {attribute}", nameof(name));
        }

        TextSpan span = i > 0 ? TextSpan.FromBounds(args.GetSeparator(i - 1).SpanStart, args[i].Span.End)
            : args.Count > 1 ? TextSpan.FromBounds(args[0].SpanStart, args[1].SpanStart)
            : args[0].Span;
        return new SourceEdit(file, span, "");
    }

    /// <summary>The string value of positional argument <paramref name="index"/>, when it is a literal.</summary>
    public static string? StringArgument(AttributeSyntax attribute, int index) =>
        attribute.ArgumentList is { } list && list.Arguments.Count > index && list.Arguments[index].NameEquals is null
        && list.Arguments[index].Expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal
            ? literal.Token.ValueText
            : null;

    /// <summary>The attribute's name without namespace or the <c>Attribute</c> suffix.</summary>
    public static string AttributeName(AttributeSyntax a)
    {
        string name = a.Name is QualifiedNameSyntax q ? q.Right.Identifier.Text : a.Name.ToString();
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name[..^"Attribute".Length] : name;
    }

    // X = ..., this.X = ..., or X = ... in an object initializer.
    private static bool IsAssignmentTarget(IdentifierNameSyntax name)
    {
        SyntaxNode node = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        return node.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment && assignment.Left == node;
    }

    private static AttributeSyntax? FindAttribute(SyntaxList<AttributeListSyntax> lists, string name) =>
        lists.SelectMany(l => l.Attributes).FirstOrDefault(a => AttributeName(a) == name);

    // A subsection name is a string literal or one of the type's string constants.
    private static string? Resolve(DescribedType type, ExpressionSyntax e) => e switch
    {
        LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } l => l.Token.ValueText,
        IdentifierNameSyntax id => type.Constants.GetValueOrDefault(id.Identifier.Text),
        _ => null,
    };
}
