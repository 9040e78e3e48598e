using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal sealed partial class Parser
    {
        // Declared defaults (Default = ...): which constants fit a member, and the C# that spells them.

        // Integers (and enums, by their underlying type) take integral constants, double any number, bool only bool;
        // out-of-range integers are allowed on purpose (Default = -1 on a uint means all ones, as in C).
        private static bool DefaultFits(object? value, ITypeSymbol target)
        {
            ITypeSymbol t = target is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying } ? underlying : target;
            bool integral = value is sbyte or byte or short or ushort or int or uint or long or ulong;
            return t.SpecialType switch
            {
                SpecialType.System_Boolean => value is bool,
                SpecialType.System_Double => integral || value is float or double,
                SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                    or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 => integral,
                _ => false,
            };
        }

        /// <summary>
        /// The default as a literal of the member's (element's) own type, so that it assigns and fills arrays alike:
        /// <c>true</c>, <c>7u</c>, <c>(byte)7</c>, <c>-1L</c>, <c>0.5</c>, <c>global::Ns.Mode.On</c>. An integer out of
        /// the type's range wraps, as the C it comes from does (<c>Default = -1</c> on a uint is all ones).
        /// </summary>
        private static string DefaultExpression(TypedConstant value, ITypeSymbol target)
        {
            object v = value.Value!;
            if (target is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying } enumType)
            {
                string name = enumType.ToDisplayString(TypeFormat);
                decimal n = Convert.ToDecimal(v, CultureInfo.InvariantCulture);
                IFieldSymbol? member = enumType.GetMembers().OfType<IFieldSymbol>()
                    .FirstOrDefault(m => m.HasConstantValue && Convert.ToDecimal(m.ConstantValue, CultureInfo.InvariantCulture) == n);
                if (member is not null)
                {
                    return name + "." + member.Name;
                }

                string raw = "(" + Number(n) + ")";
                return InRange(n, underlying.SpecialType) ? "(" + name + ")" + raw : "unchecked((" + name + ")" + raw + ")";
            }

            switch (target.SpecialType)
            {
                case SpecialType.System_Boolean:
                    return (bool)v ? "true" : "false";
                case SpecialType.System_Double:
                    return DoubleLiteral(Convert.ToDouble(v, CultureInfo.InvariantCulture));
                default:
                    decimal n = Convert.ToDecimal(v, CultureInfo.InvariantCulture);
                    string keyword = target.ToDisplayString(TypeFormat);
                    if (!InRange(n, target.SpecialType))
                    {
                        return "unchecked((" + keyword + ")" + Number(n) + ")";
                    }

                    return target.SpecialType switch
                    {
                        SpecialType.System_Int32 => Number(n),
                        SpecialType.System_UInt32 => Number(n) + "u",
                        SpecialType.System_Int64 => Number(n) + "L",
                        SpecialType.System_UInt64 => Number(n) + "UL",
                        // No suffix makes a byte or a short: the cast types the literal.
                        _ => "(" + keyword + ")" + Number(n),
                    };
            }
        }

        private static string DoubleLiteral(double d)
        {
            if (double.IsNaN(d))
            {
                return "double.NaN";
            }

            if (double.IsInfinity(d))
            {
                return d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
            }

            string s = d.ToString("R", CultureInfo.InvariantCulture);
            return s.IndexOfAny(['.', 'E', 'e']) >= 0 ? s : s + "d";
        }

        private static string Number(decimal n) => n.ToString(CultureInfo.InvariantCulture);

        private static bool InRange(decimal n, SpecialType type) => type switch
        {
            SpecialType.System_SByte => n >= sbyte.MinValue && n <= sbyte.MaxValue,
            SpecialType.System_Byte => n >= byte.MinValue && n <= byte.MaxValue,
            SpecialType.System_Int16 => n >= short.MinValue && n <= short.MaxValue,
            SpecialType.System_UInt16 => n >= ushort.MinValue && n <= ushort.MaxValue,
            SpecialType.System_Int32 => n >= int.MinValue && n <= int.MaxValue,
            SpecialType.System_UInt32 => n >= uint.MinValue && n <= uint.MaxValue,
            SpecialType.System_Int64 => n >= long.MinValue && n <= long.MaxValue,
            _ => n >= ulong.MinValue && n <= ulong.MaxValue,
        };
    }
}
