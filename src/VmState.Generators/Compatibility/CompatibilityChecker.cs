using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VmState.Generators.Model;

namespace VmState.Generators.Compatibility;

/// <summary>
/// Compares one parsed type with the descriptions baselines shipped for it, and reports each break at the member or
/// attribute argument at fault. Fields are matched by name, walking the shipped list in order, as QEMU's static
/// checker does; nested struct descriptions are compared too, reported at the struct member of the checked type.
/// </summary>
internal sealed class CompatibilityChecker
{
    private const int MaxNesting = 8;

    private readonly Scope _root;
    private readonly Action<Diagnostic> _report;
    private readonly CancellationToken _ct;

    public CompatibilityChecker(INamedTypeSymbol type, TypeSpec spec, AttributeData attribute, Action<Diagnostic> report, CancellationToken ct)
    {
        _root = new Scope(type, spec, attribute, null);
        _report = report;
        _ct = ct;
    }

    /// <summary>Checks the type's own description (and its subsections) against <paramref name="shipped"/> of <paramref name="file"/>.</summary>
    public void Check(BaselineDescription shipped, string file) => Compare(_root, _root.Spec.Description, shipped, file, 0);

    /// <summary>The attribute of class <paramref name="metadataName"/> on <paramref name="symbol"/>, or null.</summary>
    public static AttributeData? Attribute(ISymbol symbol, string metadataName) =>
        symbol.GetAttributes().FirstOrDefault(a => IsClass(a, metadataName));

    private static bool IsClass(AttributeData a, string metadataName) =>
        a.AttributeClass is { ContainingType: null } c && string.Equals(c.ToDisplayString(), metadataName, StringComparison.Ordinal);

    // A described type being compared; At is where everything is reported when the type is nested in the checked one.
    private sealed record Scope(INamedTypeSymbol Type, TypeSpec Spec, AttributeData Attribute, Location? At);

    private void Compare(Scope scope, DescriptionSpec current, BaselineDescription shipped, string file, int depth)
    {
        _ct.ThrowIfCancellationRequested();
        bool isMain = ReferenceEquals(current, scope.Spec.Description);
        AttributeData? attribute = isMain ? scope.Attribute : SubsectionAttribute(scope.Type, current.Name);
        if (current.Version < shipped.Version)
        {
            Report(DiagnosticDescriptors.VersionLowered, At(scope, ArgumentLocation(attribute, "Version") ?? AttributeLocation(attribute)),
                current.Name, Str(current.Version), Str(shipped.Version), file);
        }

        if (current.MinimumVersion > shipped.Version)
        {
            Report(DiagnosticDescriptors.MinimumRaised, At(scope, ArgumentLocation(attribute, "MinimumVersion") ?? AttributeLocation(attribute)),
                current.Name, Str(current.MinimumVersion), Str(shipped.Version), file);
        }

        CompareFields(scope, current, shipped, file, isMain, attribute, depth);

        string? parent = isMain ? null : current.Name;
        foreach (BaselineDescription shippedSubsection in shipped.Subsections)
        {
            DescriptionSpec? match = scope.Spec.Subsections.FirstOrDefault(s =>
                string.Equals(s.Parent, parent, StringComparison.Ordinal) && string.Equals(s.Name, shippedSubsection.Name, StringComparison.Ordinal));
            if (match is null)
            {
                Report(DiagnosticDescriptors.ShippedSubsectionMissing, At(scope, AttributeLocation(attribute)), shippedSubsection.Name, current.Name, file);
            }
            else
            {
                Compare(scope, match, shippedSubsection, file, depth);
            }
        }
    }

    private void CompareFields(Scope scope, DescriptionSpec description, BaselineDescription shipped, string file, bool isMain, AttributeData? attribute, int depth)
    {
        // The dump leaves checks out, as QEMU does: they transfer nothing.
        List<FieldSpec> current = description.Fields.Where(f => f.Kind != FieldKind.Validate).ToList();
        List<Location?> padding = PaddingLocations(scope.Type, isMain ? null : description.Name);
        Location? FieldAt(int index)
        {
            FieldSpec f = current[index];
            if (f.MemberName is not null)
            {
                return scope.Type.GetMembers(f.MemberName).FirstOrDefault(m => !m.IsImplicitlyDeclared)?.Locations.FirstOrDefault();
            }

            int k = current.Take(index).Count(x => x.Kind == FieldKind.Unused);
            return f.Kind == FieldKind.Unused && k < padding.Count ? padding[k] : null;
        }

        void CheckNew(int index)
        {
            FieldSpec f = current[index];
            if (f.Since <= shipped.Version)
            {
                Report(DiagnosticDescriptors.NewFieldWithoutVersion, At(scope, FieldAt(index)), f.Name, description.Name, Str(f.Since), Str(shipped.Version), file);
            }
        }

        var shippedNames = new HashSet<string>(shipped.Fields.Select(f => f.Name), StringComparer.Ordinal);
        int j = 0;
        for (int i = 0; i < shipped.Fields.Count; i++)
        {
            BaselineField s = shipped.Fields[i];
            while (true)
            {
                if (j >= current.Count)
                {
                    Report(DiagnosticDescriptors.ShippedFieldMissing, At(scope, AttributeLocation(attribute)), s.Name, description.Name, file, "the end of the field list");
                    break;
                }

                FieldSpec c = current[j];
                if (string.Equals(c.Name, s.Name, StringComparison.Ordinal))
                {
                    CompareField(scope, c, FieldAt(j), s, description.Name, file, depth);
                    j++;
                    break;
                }

                bool currentShippedLater = shipped.Fields.Skip(i + 1).Any(x => string.Equals(x.Name, c.Name, StringComparison.Ordinal));
                bool shippedComesLater = current.Skip(j + 1).Any(x => string.Equals(x.Name, s.Name, StringComparison.Ordinal));
                if (!currentShippedLater && shippedComesLater)
                {
                    // Inserted before the shipped field, which follows.
                    CheckNew(j);
                    j++;
                    continue;
                }

                Report(DiagnosticDescriptors.ShippedFieldMissing, At(scope, FieldAt(j)), s.Name, description.Name, file, c.Name);
                if (!currentShippedLater)
                {
                    // A rename: the field that stands in its place is the one reported.
                    j++;
                }

                break;
            }
        }

        for (; j < current.Count; j++)
        {
            // A shipped name found after the walk is a moved field, reported where the walk missed it.
            if (!shippedNames.Contains(current[j].Name))
            {
                CheckNew(j);
            }
        }
    }

    private void CompareField(Scope scope, FieldSpec c, Location? at, BaselineField s, string description, string file, int depth)
    {
        int? size = c.Kind switch
        {
            FieldKind.Value => c.Codec is null ? null : CodecTable.SizeOf(c.Codec),
            FieldKind.Buffer => c.Shape == FieldShape.Variable ? 0 : c.Length,
            FieldKind.Unused => c.Length,
            _ => null,
        };
        if (size is int known && known != s.Size)
        {
            Report(DiagnosticDescriptors.FieldSizeChanged, At(scope, at), c.Name, description, "size", Str(known), Str(s.Size), file);
        }

        if (s.Num is int shippedNum && c.Kind != FieldKind.Tmp)
        {
            int? num = c.Kind is FieldKind.Value or FieldKind.Struct && c.Shape == FieldShape.Fixed ? c.Length : null;
            if (num != shippedNum)
            {
                Report(DiagnosticDescriptors.FieldSizeChanged, At(scope, at), c.Name, description, "num", num is int n ? Str(n) : "none", Str(shippedNum), file);
            }
        }

        if (c.Kind == FieldKind.Struct && s.Nested is not null && depth < MaxNesting && c.MemberName is not null
            && NestedType(scope.Type, c.MemberName) is { } nested && Attribute(nested, KnownTypes.Metadata.VmStateAttribute) is { } nestedAttribute
            && VmStateGenerator.Parser.Parse(nested, _ct).Spec is { } nestedSpec
            && string.Equals(nestedSpec.Description.Name, s.Nested.Name, StringComparison.Ordinal))
        {
            Compare(new Scope(nested, nestedSpec, nestedAttribute, scope.At ?? at), nestedSpec.Description, s.Nested, file, depth + 1);
        }
    }

    private static INamedTypeSymbol? NestedType(INamedTypeSymbol type, string member)
    {
        ITypeSymbol? t = type.GetMembers(member).FirstOrDefault() switch
        {
            IFieldSymbol f => f.Type,
            IPropertySymbol p => p.Type,
            _ => null,
        };
        return (t is IArrayTypeSymbol a ? a.ElementType : t) as INamedTypeSymbol;
    }

    // Where each [Unused] of one description is written, in the order the parser reads them.
    private List<Location?> PaddingLocations(INamedTypeSymbol type, string? subsection)
    {
        var list = new List<Location?>();
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared)
            {
                continue;
            }

            foreach (AttributeData a in member.GetAttributes())
            {
                if (IsClass(a, KnownTypes.Metadata.UnusedAttribute)
                    && string.Equals(a.NamedArguments.FirstOrDefault(kv => kv.Key == "Subsection").Value.Value as string, subsection, StringComparison.Ordinal))
                {
                    list.Add(a.ApplicationSyntaxReference?.GetSyntax(_ct).GetLocation() ?? member.Locations.FirstOrDefault());
                }
            }
        }

        return list;
    }

    private static AttributeData? SubsectionAttribute(INamedTypeSymbol type, string name) =>
        type.GetAttributes().FirstOrDefault(a => IsClass(a, KnownTypes.Metadata.SubsectionAttribute)
            && a.ConstructorArguments.Length == 1 && string.Equals(a.ConstructorArguments[0].Value as string, name, StringComparison.Ordinal));

    private static Location? AttributeLocation(AttributeData? a) => a?.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    private static Location? ArgumentLocation(AttributeData? a, string name) =>
        a?.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } list }
            ? list.Arguments.FirstOrDefault(arg => arg.NameEquals?.Name.Identifier.Text == name)?.GetLocation()
            : null;

    private static Location At(Scope scope, Location? specific) =>
        scope.At ?? specific ?? scope.Type.Locations.FirstOrDefault() ?? Location.None;

    private void Report(DiagnosticDescriptor descriptor, Location location, params string[] args) =>
        _report(Diagnostic.Create(descriptor, location, args));

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
