using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace VmState.CodeFixes;

/// <summary>Blank lines the formatter does not make by itself.</summary>
internal static class Layout
{
    /// <summary>
    /// <paramref name="member"/> with a blank line before it. The formatter separates a new member from the old ones,
    /// but not from another member added in the same edit (Fix All), which would then sit right against it.
    /// </summary>
    public static TNode AfterAddedMember<TNode>(TNode member, SyntaxNode root) where TNode : SyntaxNode =>
        member.WithLeadingTrivia(member.GetLeadingTrivia().Insert(0, EndOfLine(NewLine(root))));

    /// <summary>The document's own line ending.</summary>
    public static string NewLine(SyntaxNode root) =>
        root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } t ? t.ToString() : "\n";
}
