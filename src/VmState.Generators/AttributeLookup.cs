using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VmState.Generators;

/// <summary>Finds VmState attributes on symbols and the source spans of their arguments, for the analyzers' reports.</summary>
internal static class AttributeLookup
{
    /// <summary>The attribute of class <paramref name="metadataName"/> on <paramref name="symbol"/>, or null.</summary>
    public static AttributeData? Find(ISymbol symbol, string metadataName) =>
        symbol.GetAttributes().FirstOrDefault(a => IsClass(a, metadataName));

    public static bool IsClass(AttributeData a, string metadataName) =>
        a.AttributeClass is { ContainingType: null } c && string.Equals(c.ToDisplayString(), metadataName, StringComparison.Ordinal);

    /// <summary>The <c>[Subsection(name)]</c> on <paramref name="type"/>, or null.</summary>
    public static AttributeData? Subsection(INamedTypeSymbol type, string name) =>
        type.GetAttributes().FirstOrDefault(a => IsClass(a, KnownTypes.Metadata.SubsectionAttribute)
            && a.ConstructorArguments.Length == 1 && string.Equals(a.ConstructorArguments[0].Value as string, name, StringComparison.Ordinal));

    public static Location? Location(AttributeData? a) => a?.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    /// <summary>Where the named argument <paramref name="name"/> of <paramref name="a"/> is written, or null.</summary>
    public static Location? Argument(AttributeData? a, string name) =>
        a?.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } list }
            ? list.Arguments.FirstOrDefault(arg => arg.NameEquals?.Name.Identifier.Text == name)?.GetLocation()
            : null;
}
