using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
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
    private readonly Compilation _compilation;
    private readonly Action<Diagnostic> _report;
    private readonly CancellationToken _ct;

    public CompatibilityChecker(INamedTypeSymbol type, TypeSpec spec, AttributeData attribute, Compilation compilation, Action<Diagnostic> report, CancellationToken ct)
    {
        _compilation = compilation;
        _root = new Scope(type, spec, attribute, null);
        _report = report;
        _ct = ct;
    }

    /// <summary>Checks the type's own description (and its subsections) against <paramref name="shipped"/> of <paramref name="file"/>.</summary>
    public void Check(BaselineDescription shipped, string file) => Compare(_root, _root.Spec.Description, shipped, file, 0);

    // A described type being compared; At is where everything is reported when the type is nested in the checked one.
    private sealed record Scope(INamedTypeSymbol Type, TypeSpec Spec, AttributeData Attribute, Location? At);

    private void Compare(Scope scope, DescriptionSpec current, BaselineDescription shipped, string file, int depth)
    {
        _ct.ThrowIfCancellationRequested();
        bool isMain = ReferenceEquals(current, scope.Spec.Description);
        AttributeData? attribute = isMain ? scope.Attribute : AttributeLookup.Subsection(scope.Type, current.Name);
        if (current.Version < shipped.Version)
        {
            Report(DiagnosticDescriptors.VersionLowered, At(scope, AttributeLookup.Argument(attribute, "Version") ?? AttributeLookup.Location(attribute)),
                current.Name, Str(current.Version), Str(shipped.Version), file);
        }

        if (current.MinimumVersion > shipped.Version)
        {
            Report(DiagnosticDescriptors.MinimumRaised, At(scope, AttributeLookup.Argument(attribute, "MinimumVersion") ?? AttributeLookup.Location(attribute)),
                Properties(scope, ("ShippedVersion", Str(shipped.Version))),
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
                Report(DiagnosticDescriptors.ShippedSubsectionMissing, At(scope, AttributeLookup.Location(attribute)), shippedSubsection.Name, current.Name, file);
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

        // A nested struct's own description is loaded at the destination's version of it (QEMU passes the struct's
        // version_id, not the stream's), so Since cannot tell old streams apart there: any new field is a break.
        bool ownVersion = depth > 0 && isMain;

        void CheckNew(int index)
        {
            FieldSpec f = current[index];
            if (ownVersion || f.Since <= shipped.Version)
            {
                // The fixes raise Since (and the version) past the shipped one, or move the field into a subsection.
                string why = ownVersion
                    ? "a nested struct is loaded at its own version, so no Since makes old streams skip it; add it in a subsection of the struct"
                    : "its Since = " + Str(f.Since) + " is not above that version";
                Report(DiagnosticDescriptors.NewFieldWithoutVersion, At(scope, FieldAt(index)),
                    ownVersion ? ImmutableDictionary<string, string?>.Empty
                        : Properties(scope, ("Member", f.MemberName), ("Subsection", isMain ? null : description.Name), ("Description", description.Name), ("ShippedVersion", Str(shipped.Version))),
                    f.Name, description.Name, why, Str(shipped.Version), file);
            }
        }

        // What the fix "keep its bytes as [Unused]" needs to put the shipped field back as padding; ShippedIndex
        // orders several fields removed before the same member (or at the end).
        ImmutableDictionary<string, string?> Removed(BaselineField s, int index, string? before) => Properties(scope,
            ("ShippedName", s.Name), ("Bytes", Str(s.Size * (s.Num ?? 1))), ("Since", Str(s.Version)),
            ("Subsection", isMain ? null : description.Name), ("Before", before), ("ShippedIndex", Str(index)));

        var shippedNames = new HashSet<string>(shipped.Fields.Select(f => f.Name), StringComparer.Ordinal);
        int j = 0;
        for (int i = 0; i < shipped.Fields.Count; i++)
        {
            BaselineField s = shipped.Fields[i];
            while (true)
            {
                if (j >= current.Count)
                {
                    Report(DiagnosticDescriptors.ShippedFieldMissing, At(scope, AttributeLookup.Location(attribute)), Removed(s, i, null),
                        s.Name, description.Name, file, "the end of the field list");
                    break;
                }

                FieldSpec c = current[j];
                if (IsShippedAs(c, s.Name))
                {
                    CompareField(scope, c, FieldAt(j), s, description, file, depth, ownVersion);
                    j++;
                    break;
                }

                if (PadsFor(c, s))
                {
                    // The shipped field's bytes kept as padding: the wire is unchanged, and QEMU's checker matches
                    // "unused" by size too.
                    j++;
                    break;
                }

                bool currentShippedLater = shipped.Fields.Skip(i + 1).Any(x => IsShippedAs(c, x.Name));
                bool shippedComesLater = current.Skip(j + 1).Any(x => IsShippedAs(x, s.Name));
                if (!currentShippedLater && shippedComesLater)
                {
                    // Inserted before the shipped field, which follows.
                    CheckNew(j);
                    j++;
                    continue;
                }

                if (!currentShippedLater && !shippedComesLater && SameWire(c, s))
                {
                    // Same place, same bytes, another name: a rename, which only the schema sees.
                    Report(DiagnosticDescriptors.FieldRenamed, At(scope, FieldAt(j)), Properties(scope, ("FormerName", s.Name), ("Member", c.MemberName)),
                        c.Name, description.Name, s.Name, file);
                    CompareField(scope, c, FieldAt(j), s, description, file, depth, ownVersion);
                    j++;
                    break;
                }

                Report(DiagnosticDescriptors.ShippedFieldMissing, At(scope, FieldAt(j)), Removed(s, i, c.MemberName), s.Name, description.Name, file, c.Name);
                if (!currentShippedLater)
                {
                    // A field in its place that no release shipped: reported once, as the missing field.
                    j++;
                }

                break;
            }
        }

        for (; j < current.Count; j++)
        {
            // A shipped name found after the walk is a moved field, reported where the walk missed it.
            if (!shippedNames.Contains(current[j].Name) && (current[j].FormerName is not { } former || !shippedNames.Contains(former)))
            {
                CheckNew(j);
            }
        }
    }

    private void CompareField(Scope scope, FieldSpec c, Location? at, BaselineField s, DescriptionSpec owner, string file, int depth, bool ownVersion)
    {
        string description = owner.Name;
        if (SizeOf(c) is int known && known != s.Size)
        {
            Report(DiagnosticDescriptors.FieldSizeChanged, At(scope, at), c.Name, description, "size", Str(known), Str(s.Size), file);
        }

        if (s.Num is int shippedNum && c.Kind != FieldKind.Tmp && NumOf(c) != shippedNum)
        {
            Report(DiagnosticDescriptors.FieldSizeChanged, At(scope, at), c.Name, description, "num", NumOf(c) is int n ? Str(n) : "none", Str(shippedNum), file);
        }

        // A Since matters where it splits the incoming versions the code accepts: not in a nested struct's own
        // description (loaded at its own version), nor when both old and new are at or below MinimumVersion.
        if (c.Since != s.Version && !ownVersion && Math.Max(c.Since, s.Version) > owner.MinimumVersion)
        {
            Report(DiagnosticDescriptors.SinceChanged, At(scope, at), Properties(scope, ("Member", c.MemberName), ("Since", Str(s.Version))),
                c.Name, description, Str(c.Since), Str(s.Version), file);
        }

        if ((c.Exists is not null) != s.HasExists)
        {
            Report(DiagnosticDescriptors.ExistsChanged, At(scope, at), c.Name, description, c.Exists is not null ? "has" : "lost", file);
        }

        if (c.Kind is FieldKind.Struct or FieldKind.Tmp && s.Nested is not null && depth < MaxNesting && c.MemberName is not null
            && NestedType(scope.Type, c.MemberName) is { } nested && AttributeLookup.Find(nested, KnownTypes.Metadata.VmStateAttribute) is { } nestedAttribute
            && VmStateGenerator.Parser.Parse(nested, _compilation, _ct).Spec is { } nestedSpec
            && string.Equals(nestedSpec.Description.Name, s.Nested.Name, StringComparison.Ordinal))
        {
            Compare(new Scope(nested, nestedSpec, nestedAttribute, scope.At ?? at), nestedSpec.Description, s.Nested, file, depth + 1);
        }
    }

    // The element size on the wire where the model knows it (a nested struct's size is its own description's).
    private static int? SizeOf(FieldSpec c) => c.Kind switch
    {
        FieldKind.Value => c.ValueSize ?? (c.Codec is null ? null : CodecTable.SizeOf(c.Codec)),
        FieldKind.Buffer => c.Shape == FieldShape.Variable ? 0 : c.Length,
        FieldKind.Unused => c.Length,
        _ => null,
    };

    private static int? NumOf(FieldSpec c) => c.Kind is FieldKind.Value or FieldKind.Struct && c.Shape == FieldShape.Fixed ? c.Length : null;

    private static bool IsShippedAs(FieldSpec c, string shippedName) =>
        string.Equals(c.Name, shippedName, StringComparison.Ordinal) || string.Equals(c.FormerName, shippedName, StringComparison.Ordinal);

    // A field that puts the same bytes where a shipped one did: same element size (where known), count and kind of test.
    private static bool SameWire(FieldSpec c, BaselineField s) =>
        c.Kind is not FieldKind.Unused
        && (SizeOf(c) ?? s.Size) == s.Size
        && (s.Num is not int num || NumOf(c) == num)
        && (c.Exists is not null) == s.HasExists
        && c.Since == s.Version;

    // Padding of exactly a shipped field's bytes, from the same version and as unconditional as it was.
    private static bool PadsFor(FieldSpec c, BaselineField s) =>
        c.Kind == FieldKind.Unused && !IsShippedAs(c, s.Name)
        && c.Length == s.Size * (s.Num ?? 1)
        && c.Since == s.Version
        && c.Exists is null && !s.HasExists;

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
                if (AttributeLookup.IsClass(a, KnownTypes.Metadata.UnusedAttribute)
                    && string.Equals(a.NamedArguments.FirstOrDefault(kv => kv.Key == "Subsection").Value.Value as string, subsection, StringComparison.Ordinal))
                {
                    list.Add(a.ApplicationSyntaxReference?.GetSyntax(_ct).GetLocation() ?? member.Locations.FirstOrDefault());
                }
            }
        }

        return list;
    }

    private static Location At(Scope scope, Location? specific) =>
        scope.At ?? specific ?? scope.Type.Locations.FirstOrDefault() ?? Location.None;

    private void Report(DiagnosticDescriptor descriptor, Location location, params string[] args) =>
        _report(Diagnostic.Create(descriptor, location, args));

    private void Report(DiagnosticDescriptor descriptor, Location location, ImmutableDictionary<string, string?> properties, params string[] args) =>
        _report(Diagnostic.Create(descriptor, location, properties, args));

    // Properties for code fixes; a break inside a nested type is reported at the outer member, where no fix applies.
    private static ImmutableDictionary<string, string?> Properties(Scope scope, params (string Key, string? Value)[] entries)
    {
        if (scope.At is not null)
        {
            return ImmutableDictionary<string, string?>.Empty;
        }

        ImmutableDictionary<string, string?>.Builder builder = ImmutableDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach ((string key, string? value) in entries)
        {
            if (value is not null)
            {
                builder[key] = value;
            }
        }

        return builder.ToImmutable();
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
