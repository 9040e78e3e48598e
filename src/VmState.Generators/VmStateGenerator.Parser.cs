using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    /// <summary>Reads a <c>[VmState]</c> type's symbols into a <see cref="TypeSpec"/> and the diagnostics about it.</summary>
    internal sealed partial class Parser
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

        private readonly INamedTypeSymbol _type;
        private readonly List<DiagnosticInfo> _diagnostics = new();
        private readonly Dictionary<string, DescriptionBuilder> _descriptions = new(StringComparer.Ordinal);
        private readonly List<DescriptionBuilder> _descriptionOrder = new();

        // Every migrated member in wire order over all descriptions (the type's own first), to check that counts come first.
        private readonly List<(string Member, string Description)> _order = new();
        private readonly List<(string CountMember, int OrderIndex, string ArrayName, Location? Location)> _countUses = new();

        // The type and its containers are partial and not generic, so a generated part of it compiles.
        private bool _canTakeMembers;

        private Parser(INamedTypeSymbol type) => _type = type;

        public static ParseResult Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var parser = new Parser(type);
            TypeSpec? spec = parser.Build(cancellationToken);
            if (parser._diagnostics.Count == 0)
            {
                return new ParseResult(spec, null, EquatableArray<DiagnosticInfo>.Empty);
            }

            StandInSpec? standIn = parser._canTakeMembers ? parser.StandIn() : null;
            return new ParseResult(null, standIn, parser._diagnostics.ToEquatableArray());
        }


        private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] args) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

        private TypeSpec? Build(CancellationToken ct)
        {
            Location? typeLocation = _type.Locations.FirstOrDefault();
            string typeName = _type.ToDisplayString();

            for (INamedTypeSymbol? t = _type; t is not null; t = t.ContainingType)
            {
                bool partial = t.DeclaringSyntaxReferences.All(r =>
                    r.GetSyntax(ct) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial)
                {
                    Report(DiagnosticDescriptors.TypeNotPartial, typeLocation, typeName);
                    return null;
                }

                if (t.IsGenericType)
                {
                    Report(DiagnosticDescriptors.GenericType, typeLocation, typeName);
                    return null;
                }
            }

            _canTakeMembers = true;
            AttributeData? attribute = _type.GetAttributes().FirstOrDefault(a => IsType(a.AttributeClass, KnownTypes.Metadata.VmStateAttribute));
            if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string vmsdName)
            {
                return null;
            }

            (int version, int minimum) = ReadVersions(attribute, vmsdName, typeLocation);

            var main = new DescriptionBuilder(vmsdName, version, minimum, typeLocation);
            _descriptions[""] = main;
            _descriptionOrder.Add(main);
            ReadSubsections(vmsdName);

            foreach (ISymbol member in _type.GetMembers())
            {
                ct.ThrowIfCancellationRequested();
                if (member.IsImplicitlyDeclared)
                {
                    continue;
                }

                ReadMember(member);
            }

            CheckCounts();
            var descriptions = new List<DescriptionSpec>();
            foreach (DescriptionBuilder b in _descriptionOrder)
            {
                descriptions.Add(FinishDescription(b));
            }

            main.Hooks.TryGetValue(KnownTypes.Hooks.DevUnplugPending, out HookSpec? unplug);
            List<string> keys = DumpKeys(attribute);
            return new TypeSpec
            {
                Namespace = NamespaceName(),
                ContainingTypes = ContainingDeclarations(),
                Declaration = Declaration(_type),
                FullyQualifiedName = _type.ToDisplayString(TypeFormat),
                HintName = HintName(),
                IsValueType = _type.IsValueType,
                Description = descriptions[0],
                Subsections = descriptions.Skip(1).ToEquatableArray(),
                Priority = NamedInt(attribute, "Priority", 0),
                PriorityName = EnumMemberName(attribute, "Priority"),
                Unmigratable = NamedBool(attribute, "Unmigratable"),
                EarlySetup = NamedBool(attribute, "EarlySetup"),
                DeviceType = keys.Count > 0 ? keys[0] : null,
                DeviceTypes = keys.Count > 1 ? keys.ToEquatableArray() : EquatableArray<string>.Empty,
                DumpSize = NamedInt(attribute, "DumpSize", 0),
                DevUnplugPending = unplug,
            };
        }


        // Version and MinimumVersion of a [VmState] or [Subsection], each error reported at the argument at fault.
        // A negative Version is reported once here; its fields' Since checks are then left out (see Add).
        private (int Version, int Minimum) ReadVersions(AttributeData a, string name, Location? fallback)
        {
            int version = NamedInt(a, "Version", 1);
            int? explicitMinimum = a.NamedArguments.Any(kv => kv.Key == "MinimumVersion" && kv.Value.Value is int) ? NamedInt(a, "MinimumVersion", 0) : null;
            if (version < 0)
            {
                Report(DiagnosticDescriptors.NegativeVersion, ArgumentLocation(a, "Version") ?? fallback, name, "Version", Str(version));
            }

            if (explicitMinimum < 0)
            {
                Report(DiagnosticDescriptors.NegativeVersion, ArgumentLocation(a, "MinimumVersion") ?? fallback, name, "MinimumVersion", Str(explicitMinimum.Value));
            }

            int minimum = explicitMinimum is >= 0 ? explicitMinimum.Value : Math.Min(1, Math.Max(version, 0));
            if (version >= 0 && minimum > version)
            {
                Report(DiagnosticDescriptors.MinimumAboveVersion, ArgumentLocation(a, "MinimumVersion") ?? fallback, name, Str(minimum), Str(version));
            }

            return (version, minimum);
        }

        /// <summary>Where a named argument of an attribute is written, or null when it is not written.</summary>
        private static Location? ArgumentLocation(AttributeData a, string name) =>
            a.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } list }
                ? list.Arguments.FirstOrDefault(arg => arg.NameEquals?.Name.Identifier.Text == name)?.GetLocation()
                : null;

        private StandInSpec StandIn() =>
            new(NamespaceName(), ContainingDeclarations(), Declaration(_type), HintName(), _type.ToDisplayString());

        private string NamespaceName() =>
            _type.ContainingNamespace.IsGlobalNamespace ? "" : _type.ContainingNamespace.ToDisplayString();

        // One file per type, named after it; a stand-in takes the name its generated code would have had.
        private string HintName() => _type.ToDisplayString(TypeFormat).Replace("global::", "") + ".VmState.g.cs";

        private EquatableArray<string> ContainingDeclarations()
        {
            var list = new List<string>();
            for (INamedTypeSymbol? t = _type.ContainingType; t is not null; t = t.ContainingType)
            {
                list.Insert(0, Declaration(t));
            }

            return list.ToEquatableArray();
        }

        private static string Declaration(INamedTypeSymbol t)
        {
            string keyword = (t.IsRecord, t.IsValueType) switch
            {
                (true, true) => "record struct",
                (true, false) => "record",
                (false, true) => "struct",
                _ => t.TypeKind == TypeKind.Interface ? "interface" : "class",
            };
            return "partial " + keyword + " " + t.Name;
        }


        /// <summary>Whether <paramref name="t"/> is the top-level type <paramref name="metadataName"/> (one of <see cref="KnownTypes.Metadata"/>).</summary>
        private static bool IsType(ITypeSymbol? t, string metadataName) =>
            t is { ContainingType: null, ContainingNamespace: { IsGlobalNamespace: false } ns }
            && string.Equals(ns.ToDisplayString() + "." + t.MetadataName, metadataName, StringComparison.Ordinal);

        private static int NamedInt(AttributeData a, string name, int fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> kv in a.NamedArguments)
            {
                if (kv.Key == name && kv.Value.Value is int i)
                {
                    return i;
                }
            }

            return fallback;
        }

        /// <summary>The name of the enum member an enum-typed named argument has, when one has its value.</summary>
        private static string? EnumMemberName(AttributeData a, string name)
        {
            TypedConstant value = a.NamedArguments.FirstOrDefault(kv => kv.Key == name).Value;
            return value.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType && value.Value is { } v
                ? enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, v))?.Name
                : null;
        }

        private static bool NamedBool(AttributeData a, string name) =>
            a.NamedArguments.Any(kv => kv.Key == name && kv.Value.Value is true);

        // DeviceType, then DeviceTypes, without repeats: the description's -dump-vmstate keys.
        private static List<string> DumpKeys(AttributeData a)
        {
            var keys = new List<string>();
            if (NamedString(a, "DeviceType") is { } single)
            {
                keys.Add(single);
            }

            foreach (KeyValuePair<string, TypedConstant> kv in a.NamedArguments)
            {
                if (kv.Key == "DeviceTypes" && kv.Value.Kind == TypedConstantKind.Array && !kv.Value.IsNull)
                {
                    foreach (TypedConstant item in kv.Value.Values)
                    {
                        if (item.Value is string key && !keys.Contains(key))
                        {
                            keys.Add(key);
                        }
                    }
                }
            }

            return keys;
        }

        private static string? NamedString(AttributeData a, string name) =>
            a.NamedArguments.FirstOrDefault(kv => kv.Key == name).Value.Value as string;

        private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
