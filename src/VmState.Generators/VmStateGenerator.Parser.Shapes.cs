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
    internal sealed partial class Parser
    {
        // Field shapes and value kinds: single, fixed or variable; value, buffer, struct or tmp; which codec.
        /// <summary>
        /// Decides a field's layout and value kind from the member's type and the attribute's shape options: a value
        /// (by the codec table, or a named codec), an array of values, a buffer, a nested struct or tmp.
        /// </summary>
        private FieldSpec? Shape(FieldSpec field, ITypeSymbol type, AttributeData a, Location? location)
        {
            string memberName = field.MemberName!;
            int length = NamedInt(a, "Length", 0);
            int start = NamedInt(a, "Start", 0);
            string? count = NamedString(a, "Count");
            bool equal = NamedBool(a, "Equal");
            bool positiveLe = NamedBool(a, "PositiveLe");
            bool asArray = NamedBool(a, "AsArray");
            INamedTypeSymbol? codec = a.NamedArguments.FirstOrDefault(kv => kv.Key == "Codec").Value.Value as INamedTypeSymbol;
            TypedConstant defaultArg = a.NamedArguments.FirstOrDefault(kv => kv.Key == "Default").Value;
            field = field with { Start = start, CountMember = count };
            ITypeSymbol elementType = type;
            bool isArray = false;
            // A codec may take the whole array (a PCI config space, say); otherwise an array is one field of elements.
            if (type is IArrayTypeSymbol arrayType && (codec is null || !Implements(codec, type)))
            {
                if (arrayType.Rank != 1)
                {
                    Report(DiagnosticDescriptors.UnsupportedMemberType, location, memberName, type.ToDisplayString(), "only one-dimensional arrays are supported");
                    return null;
                }

                isArray = true;
                elementType = arrayType.ElementType;
            }

            FieldSpec? built = isArray
                ? BuildArray(field, elementType, length, count, asArray, codec, location)
                : BuildSingle(field, type, length, count, start, codec, location);
            if (built is null)
            {
                return null;
            }

            built = ApplyOptions(built, equal, positiveLe, codec is not null, location);
            if (built is null)
            {
                return null;
            }

            if (defaultArg.Kind != TypedConstantKind.Error && !defaultArg.IsNull && defaultArg.Value is not null)
            {
                if (built.Kind != FieldKind.Value)
                {
                    Report(DiagnosticDescriptors.InvalidOption, location, memberName, "Default applies to values and arrays of values");
                    return null;
                }

                if (!DefaultFits(defaultArg.Value, elementType))
                {
                    // A misfit would silently become another value, or not compile.
                    Report(DiagnosticDescriptors.InvalidOption, location, memberName, "Default must be a constant of the member's type '" + elementType.ToDisplayString() + "'");
                    return null;
                }

                built = built with { DefaultExpression = DefaultExpression(defaultArg, elementType) };
            }

            return built;
        }

        private FieldSpec? BuildSingle(FieldSpec field, ITypeSymbol type, int length, string? count, int start, INamedTypeSymbol? codec, Location? location)
        {
            if (length != 0 || count is not null || start != 0)
            {
                Report(DiagnosticDescriptors.InvalidShape, location, field.MemberName!, "Length, Start and Count apply to arrays and buffers only");
                return null;
            }

            if (codec is not null)
            {
                return WithCodec(field, type, codec, location);
            }

            if (Scalar(field, type) is { } scalar)
            {
                return scalar;
            }

            if (type is INamedTypeSymbol named && HasVmState(named))
            {
                bool tmp = named.AllInterfaces.Any(i => IsType(i, KnownTypes.Metadata.IVmStateTmp) && i.TypeArguments.Length == 1
                    && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], _type));
                return field with
                {
                    Kind = tmp ? FieldKind.Tmp : FieldKind.Struct,
                    ElementType = named.ToDisplayString(TypeFormat),
                    ElementIsValueType = named.IsValueType,
                    ElementHasDefaultConstructor = HasDefaultConstructor(named),
                    NestedVersion = NestedVersion(named),
                };
            }

            Report(DiagnosticDescriptors.UnsupportedMemberType, location, field.MemberName!, type.ToDisplayString(), "it is not a supported value, array or [VmState] type; give it a Codec");
            return null;
        }

        private FieldSpec? BuildArray(FieldSpec field, ITypeSymbol element, int length, string? count, bool asArray, INamedTypeSymbol? codec, Location? location)
        {
            if ((length == 0) == (count is null))
            {
                Report(DiagnosticDescriptors.InvalidShape, location, field.MemberName!,
                    count is null ? "an array or buffer needs Length (fixed) or Count (variable)" : "give either Length or Count, not both");
                return null;
            }

            FieldShape shape = count is null ? FieldShape.Fixed : FieldShape.Variable;
            field = field with { Shape = shape, Length = length, ElementType = element.ToDisplayString(TypeFormat) };
            if (codec is not null)
            {
                return WithCodec(field, element, codec, location);
            }

            if (element.SpecialType == SpecialType.System_Byte && !asArray)
            {
                return field with { Kind = FieldKind.Buffer };
            }

            if (Scalar(field, element) is { } scalar)
            {
                return scalar;
            }

            if (element is INamedTypeSymbol named && HasVmState(named))
            {
                return field with
                {
                    Kind = FieldKind.Struct,
                    ElementIsValueType = named.IsValueType,
                    ElementHasDefaultConstructor = HasDefaultConstructor(named),
                    NestedVersion = NestedVersion(named),
                };
            }

            Report(DiagnosticDescriptors.UnsupportedMemberType, location, field.MemberName!, element.ToDisplayString() + "[]", "its element type is not a supported value or [VmState] type; give it a Codec");
            return null;
        }

        private FieldSpec? WithCodec(FieldSpec field, ITypeSymbol valueType, INamedTypeSymbol codec, Location? location)
        {
            if (!Implements(codec, valueType))
            {
                Report(DiagnosticDescriptors.InvalidCodec, location, codec.ToDisplayString(), field.MemberName!, valueType.ToDisplayString());
                return null;
            }

            string name = codec.ToDisplayString(TypeFormat);
            return field with
            {
                Kind = FieldKind.Value,
                ElementType = valueType.ToDisplayString(TypeFormat),
                ElementIsValueType = valueType.IsValueType,
                Codec = name,
                ValueSize = CodecTable.SizeOf(name) ?? ConstantSize(codec),
                FixedCodec = codec.AllInterfaces.Any(i => IsType(i, KnownTypes.Metadata.IVmStateFixedCodec)),
            };
        }

        // A user codec's Size, when its getter is a constant expression (=> 256, => Pins * 4) in this compilation: the
        // baseline writer needs the number at build time. A codec from another assembly has no source to read it from.
        private int? ConstantSize(INamedTypeSymbol codec)
        {
            if (_compilation is null)
            {
                return null;
            }

            foreach (IPropertySymbol property in codec.GetMembers().OfType<IPropertySymbol>())
            {
                if (!property.IsStatic || !(property.Name == "Size" || property.ExplicitInterfaceImplementations.Any(p => p.Name == "Size")))
                {
                    continue;
                }

                foreach (SyntaxReference reference in property.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(_ct) is PropertyDeclarationSyntax declaration && Getter(declaration) is { } expression
                        && _compilation.ContainsSyntaxTree(expression.SyntaxTree)
                        && _compilation.GetSemanticModel(expression.SyntaxTree).GetConstantValue(expression, _ct) is { HasValue: true, Value: int size })
                    {
                        return size;
                    }
                }
            }

            return null;
        }

        // The expression a property returns: => e, get => e, or get { return e; }.
        private static ExpressionSyntax? Getter(PropertyDeclarationSyntax declaration)
        {
            if (declaration.ExpressionBody is { } body)
            {
                return body.Expression;
            }

            AccessorDeclarationSyntax? get = declaration.AccessorList?.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.GetAccessorDeclaration));
            return get?.ExpressionBody?.Expression
                ?? (get?.Body is { Statements.Count: 1 } block && block.Statements[0] is ReturnStatementSyntax { Expression: { } returned } ? returned : null);
        }

        // A value by the codec table: an enum by its underlying type, cast on the way in and out.
        private static FieldSpec? Scalar(FieldSpec field, ITypeSymbol type)
        {
            string? cast = null;
            ITypeSymbol wire = type;
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
            {
                wire = underlying;
                cast = underlying.ToDisplayString(TypeFormat);
            }

            string? codec = CodecTable.Find(CodecTable.Plain, wire.ToDisplayString(TypeFormat));
            if (codec is null)
            {
                return null;
            }

            return field with
            {
                Kind = FieldKind.Value,
                ElementType = type.ToDisplayString(TypeFormat),
                ElementIsValueType = true,
                Codec = codec,
                ValueSize = CodecTable.SizeOf(codec),
                FixedCodec = CodecTable.IsFixed(codec),
                CastTo = cast,
            };
        }

        // Equal and PositiveLe are sugar for a codec of their own table.
        private FieldSpec? ApplyOptions(FieldSpec field, bool equal, bool positiveLe, bool hasCodec, Location? location)
        {
            if (!equal && !positiveLe)
            {
                return field;
            }

            string member = field.MemberName!;
            if (hasCodec || field.Kind != FieldKind.Value || field.CastTo is not null || (equal && positiveLe))
            {
                Report(DiagnosticDescriptors.InvalidOption, location, member, "Equal and PositiveLe apply to plain integer members, one at a time, without a Codec");
                return null;
            }

            CodecRow[] table = positiveLe ? CodecTable.PositiveLe : CodecTable.Equal;
            string? codec = CodecTable.Find(table, field.ElementType!);
            if (codec is null)
            {
                Report(DiagnosticDescriptors.InvalidOption, location, member,
                    (positiveLe ? "PositiveLe" : "Equal") + " applies to " + CodecTable.Describe(table) + " members");
                return null;
            }

            return field with { Codec = codec, ValueSize = CodecTable.SizeOf(codec), FixedCodec = false };
        }

        private static bool HasVmState(INamedTypeSymbol t) =>
            t.GetAttributes().Any(a => IsType(a.AttributeClass, KnownTypes.Metadata.VmStateAttribute));

        private static int NestedVersion(INamedTypeSymbol t)
        {
            AttributeData? a = t.GetAttributes().FirstOrDefault(x => IsType(x.AttributeClass, KnownTypes.Metadata.VmStateAttribute));
            return a is null ? 1 : NamedInt(a, "Version", 1);
        }

        private static bool HasDefaultConstructor(INamedTypeSymbol t) =>
            t.IsValueType || (!t.IsAbstract && t.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal));

        private static bool Implements(INamedTypeSymbol type, ITypeSymbol argument) =>
            type.AllInterfaces.Any(i => IsType(i, KnownTypes.Metadata.IVmStateCodec)
                && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], type)
                && SymbolEqualityComparer.Default.Equals(i.TypeArguments[1], argument));
    }
}
