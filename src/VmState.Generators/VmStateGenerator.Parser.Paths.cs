using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>Where a <c>Path</c> leads from its member: the value's type, how to reach it, and whether it can be stored.</summary>
        private sealed record PathTarget(ITypeSymbol Type, string Access, bool IsProperty, bool CanWrite, string Normalized);

        /// <summary>
        /// Follows <paramref name="path"/> (<c>[0].IrqDisabled</c>, <c>Queue.Cwptr</c>) from member <paramref name="root"/>
        /// of type <paramref name="rootType"/>, as QEMU's fields reach into C structs that have no description of their
        /// own (<c>channels[0].irq_disabled</c>). Every array index and object on the way is checked at run time by
        /// <c>VmStateSpans.PathItem</c> / <c>PathObject</c>; the access text holds <c>{offset}</c> for the side's offset.
        /// </summary>
        private PathTarget? FollowPath(string root, ITypeSymbol rootType, string path, out string? problem)
        {
            problem = null;
            ITypeSymbol current = rootType;
            var access = new StringBuilder("this." + root);
            var normalized = new StringBuilder();
            bool isProperty = false;
            bool canWrite = true;
            bool storedByCopy = false;
            int i = 0;
            if (path.Length == 0)
            {
                problem = "Path is empty";
                return null;
            }

            while (i < path.Length)
            {
                if (storedByCopy)
                {
                    problem = "Path goes on through a property or readonly field of a value type, which gives a copy that cannot be stored into";
                    return null;
                }

                if (path[i] == '[')
                {
                    int close = path.IndexOf(']', i);
                    if (close < 0 || !int.TryParse(path.Substring(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                    {
                        problem = "Path has an index that is not a non-negative integer in brackets";
                        return null;
                    }

                    if (current is not IArrayTypeSymbol { Rank: 1 } array)
                    {
                        problem = "Path indexes '" + current.ToDisplayString() + "', which is not an array";
                        return null;
                    }

                    access.Insert(0, KnownTypes.VmStateSpans + ".PathItem(").Append(", " + Str(index) + ", {offset})");
                    normalized.Append('[').Append(Str(index)).Append(']');
                    current = array.ElementType;
                    isProperty = false;
                    canWrite = true;
                    i = close + 1;
                    continue;
                }

                if (path[i] == '.')
                {
                    i++;
                }

                int end = i;
                while (end < path.Length && (char.IsLetterOrDigit(path[end]) || path[end] == '_'))
                {
                    end++;
                }

                string name = path.Substring(i, end - i);
                if (name.Length == 0)
                {
                    problem = "Path has an empty member name at position " + Str(i);
                    return null;
                }

                ISymbol? member = Members(current).FirstOrDefault(m => m.Name == name && !m.IsStatic && m is IFieldSymbol or IPropertySymbol { IsIndexer: false, GetMethod: not null });
                if (member is null)
                {
                    problem = "Path names '" + name + "', which is not an instance field or readable property of '" + current.ToDisplayString() + "'";
                    return null;
                }

                if (!Reachable(member))
                {
                    problem = "Path names '" + name + "', which the generated code in '" + _type.Name + "' cannot reach (make it internal or public)";
                    return null;
                }

                if (!current.IsValueType)
                {
                    // An object on the way may be missing: a typed error, not a NullReferenceException.
                    access.Insert(0, KnownTypes.VmStateSpans + ".PathObject(").Append(", {offset})");
                }

                access.Append('.').Append(name);
                normalized.Append('.').Append(name);
                (current, isProperty, canWrite) = member switch
                {
                    IFieldSymbol f => (f.Type, false, !f.IsReadOnly && !f.IsConst),
                    IPropertySymbol p => (p.Type, true, p.SetMethod is { IsInitOnly: false }),
                    _ => (current, false, false),
                };
                storedByCopy = current.IsValueType && (isProperty || !canWrite);
                i = end;
            }

            return new PathTarget(current, access.ToString(), isProperty, canWrite, normalized.ToString());
        }

        private static IEnumerable<ISymbol> Members(ITypeSymbol type)
        {
            for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
            {
                foreach (ISymbol m in t.GetMembers())
                {
                    yield return m;
                }
            }
        }

        // Generated code lives in the described type: it reaches its own members and anything internal or public.
        private bool Reachable(ISymbol member)
        {
            for (INamedTypeSymbol? t = _type; t is not null; t = t.ContainingType)
            {
                if (SymbolEqualityComparer.Default.Equals(member.ContainingType, t))
                {
                    return true;
                }
            }

            return member.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;
        }
    }
}
