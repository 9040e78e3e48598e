using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace VmState.Generators.Policy;

/// <summary>
/// VMS0113: a migrated array of a described class made as <c>new T[n]</c> and filled nowhere the analyzer can see.
/// Its nulls would fail only at run time, at the first save. An array filled in a constructor is left alone: the
/// analyzer looks for an assignment of the member there, not at what it assigns.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ArrayOfNullElementsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ArrayOfNullElements);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(Check, SymbolKind.Field, SymbolKind.Property);
    }

    private static void Check(SymbolAnalysisContext context)
    {
        ISymbol member = context.Symbol;
        ITypeSymbol? type = member switch
        {
            IFieldSymbol f => f.Type,
            IPropertySymbol p => p.Type,
            _ => null,
        };
        if (type is not IArrayTypeSymbol { ElementType: INamedTypeSymbol { TypeKind: TypeKind.Class } element }
            || AttributeLookup.Find(element, KnownTypes.Metadata.VmStateAttribute) is null
            || AttributeLookup.Find(member, KnownTypes.Metadata.VmStateFieldAttribute) is null)
        {
            return;
        }

        foreach (SyntaxReference reference in member.DeclaringSyntaxReferences)
        {
            ExpressionSyntax? initializer = reference.GetSyntax(context.CancellationToken) switch
            {
                VariableDeclaratorSyntax v => v.Initializer?.Value,
                PropertyDeclarationSyntax p => p.Initializer?.Value,
                _ => null,
            };
            if (initializer is ArrayCreationExpressionSyntax { Initializer: null } creation
                && !creation.Type.RankSpecifiers.SelectMany(r => r.Sizes).All(IsZero)
                && !AssignedInConstructor(member))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ArrayOfNullElements, creation.GetLocation(), member.Name, element.Name));
            }
        }
    }

    private static bool IsZero(ExpressionSyntax size) =>
        size is LiteralExpressionSyntax { Token.Value: int n } && n == 0;

    // Any constructor of the type that assigns the member by name (this.M = …, M = …): it may fill the array.
    private static bool AssignedInConstructor(ISymbol member)
    {
        foreach (IMethodSymbol constructor in member.ContainingType.InstanceConstructors)
        {
            foreach (SyntaxReference reference in constructor.DeclaringSyntaxReferences)
            {
                SyntaxNode node = reference.GetSyntax();
                foreach (AssignmentExpressionSyntax assignment in node.DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    string? target = assignment.Left switch
                    {
                        IdentifierNameSyntax id => id.Identifier.Text,
                        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.Text,
                        ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax id } => id.Identifier.Text,
                        ElementAccessExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access } => access.Name.Identifier.Text,
                        _ => null,
                    };
                    if (target == member.Name)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
