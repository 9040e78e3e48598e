using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace VmState.CodeFixes;

/// <summary>Names the fixes make up: QEMU-style subsection names, C# member names, each unique where it is added.</summary>
internal static class Identifiers
{
    /// <summary><c>RxBufferSize</c> → <c>rx_buffer_size</c>, as QEMU names fields and subsections.</summary>
    public static string Snake(string name)
    {
        string s = name.TrimStart('_');
        var b = new StringBuilder(s.Length + 4);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool boundary = i > 0 && char.IsUpper(c)
                && (char.IsLower(s[i - 1]) || char.IsDigit(s[i - 1]) || (i + 1 < s.Length && char.IsLower(s[i + 1]) && char.IsUpper(s[i - 1])));
            if (boundary && b.Length > 0 && b[b.Length - 1] != '_')
            {
                b.Append('_');
            }

            b.Append(char.ToLowerInvariant(c));
        }

        return b.Length > 0 ? b.ToString() : name;
    }

    /// <summary><c>_txSum</c> → <c>TxSum</c>, to build a method name from a member's.</summary>
    public static string Pascal(string name)
    {
        string s = name.TrimStart('_');
        return s.Length == 0 ? "Member" : char.ToUpperInvariant(s[0]) + s.Substring(1);
    }

    /// <summary>A C# identifier from any text (a shipped field name such as <c>env.xmm_regs[1]</c>).</summary>
    public static string Sanitize(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            b.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
        }

        return b.ToString();
    }

    /// <summary><paramref name="name"/>, or it with a number appended, so that it is not in <paramref name="taken"/>; then taken.</summary>
    public static string Unique(string name, ISet<string> taken)
    {
        string candidate = name;
        for (int k = 2; taken.Contains(candidate); k++)
        {
            candidate = name + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        taken.Add(candidate);
        return candidate;
    }

    /// <summary>The names of the members of <paramref name="type"/>, for <see cref="Unique"/>.</summary>
    public static HashSet<string> MemberNames(INamedTypeSymbol type) =>
        new(type.GetMembers().Select(m => m.Name).Append(type.Name), StringComparer.Ordinal);
}
