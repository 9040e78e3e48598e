using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace VmState.Generators.Policy;

/// <summary>
/// VMS0112: a <c>[Needed]</c> test, or a method named by a field's <c>Exists</c>, that assigns a member of its object.
/// QEMU's documentation warns that such tests must give the same answer on both sides; one that changes state answers
/// differently depending on when it runs, and the destination then reads bytes into the wrong fields.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PredicateAssignsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.PredicateAssigns);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // The tests of each described type, found once per type: method name → "Needed" or "Exists".
            var tests = new ConcurrentDictionary<INamedTypeSymbol, Dictionary<string, string>>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(
                op => Check(op, tests),
                OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment,
                OperationKind.Increment, OperationKind.Decrement, OperationKind.DeconstructionAssignment);
        });
    }

    private static void Check(OperationAnalysisContext context, ConcurrentDictionary<INamedTypeSymbol, Dictionary<string, string>> tests)
    {
        if (context.ContainingSymbol is not IMethodSymbol { ContainingType: { } type } method
            || !tests.GetOrAdd(type, Tests).TryGetValue(method.Name, out string? kind))
        {
            return;
        }

        foreach (IOperation target in Targets(context.Operation))
        {
            ISymbol? member = target switch
            {
                IFieldReferenceOperation f when IsOwn(f.Instance, f.Field, type) => f.Field,
                IPropertyReferenceOperation p when IsOwn(p.Instance, p.Property, type) => p.Property,
                _ => null,
            };
            if (member is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PredicateAssigns, context.Operation.Syntax.GetLocation(), kind, method.Name, member.Name));
            }
        }
    }

    private static IEnumerable<IOperation> Targets(IOperation operation)
    {
        switch (operation)
        {
            case IDeconstructionAssignmentOperation d when d.Target is ITupleOperation tuple:
                foreach (IOperation element in tuple.Elements)
                {
                    yield return element;
                }

                break;
            case IAssignmentOperation a:
                yield return a.Target;
                break;
            case IIncrementOrDecrementOperation i:
                yield return i.Target;
                break;
        }
    }

    // A member of the object itself (this.x, x) or a static one of its type: state both sides keep.
    private static bool IsOwn(IOperation? instance, ISymbol member, INamedTypeSymbol type) =>
        instance is null or IInstanceReferenceOperation
        && (SymbolEqualityComparer.Default.Equals(member.ContainingType, type) || IsBase(member.ContainingType, type));

    private static bool IsBase(INamedTypeSymbol? candidate, INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<string, string> Tests(INamedTypeSymbol type)
    {
        var tests = new Dictionary<string, string>(StringComparer.Ordinal);
        if (AttributeLookup.Find(type, KnownTypes.Metadata.VmStateAttribute) is null)
        {
            return tests;
        }

        foreach (ISymbol member in type.GetMembers())
        {
            foreach (AttributeData a in member.GetAttributes())
            {
                if (member is IMethodSymbol && AttributeLookup.IsClass(a, KnownTypes.Metadata.NeededAttribute))
                {
                    tests[member.Name] = KnownTypes.Hooks.Needed;
                }
                else if ((AttributeLookup.IsClass(a, KnownTypes.Metadata.VmStateFieldAttribute) || AttributeLookup.IsClass(a, KnownTypes.Metadata.UnusedAttribute))
                    && Named(a, "Exists") is { } exists && !tests.ContainsKey(exists))
                {
                    tests[exists] = "Exists";
                }
            }
        }

        return tests;
    }

    private static string? Named(AttributeData a, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in a.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value.Value as string;
            }
        }

        return null;
    }
}
