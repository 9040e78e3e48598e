using System.Buffers;
using System.Globalization;
using System.Text;

namespace VmState.Wire;

/// <summary>
/// Renders text that came from a stream (id strings, subsection and machine names, RAM block ids, VMDESCRIPTION
/// names) as one printable line before it goes into a message, a terminal or a log, so a crafted stream cannot send
/// terminal escape sequences or forge a second <c>error:</c> line. Escapes are visible: <c>\n</c>, <c>\r</c>,
/// <c>\t</c>, <c>\x1b</c> for other C0 controls and DEL, <c>\u0085</c> for C1 controls, Unicode format characters
/// (bidi overrides), line/paragraph separators and lone surrogates, <c>\xNN</c> (NN of 0x80 and up) for each byte
/// of invalid UTF-8, and <c>\\</c> for a backslash so that the escapes cannot be forged either.
/// </summary>
public static class PrintableText
{
    /// <summary>Returns <paramref name="text"/> with every character that is not safe to print escaped.</summary>
    /// <param name="text">Text from the stream; null prints as nothing.</param>
    public static string Escape(string? text) => Escape(text, escapeBackslash: true);

    /// <summary>
    /// Returns <paramref name="text"/> with control characters escaped but backslashes kept: for a message already
    /// composed of escaped parts, as the last guard before it is printed (escaping its backslashes again would
    /// double the escapes of those parts).
    /// </summary>
    /// <param name="text">A composed message; null prints as nothing.</param>
    public static string OneLine(string? text) => Escape(text, escapeBackslash: false);

    /// <summary>Decodes <paramref name="utf8"/> as UTF-8 and escapes as <see cref="Escape(string)"/> does; each byte that is not valid UTF-8 shows as <c>\xNN</c>.</summary>
    /// <param name="utf8">Bytes of a name as the stream holds them.</param>
    public static string Escape(ReadOnlySpan<byte> utf8)
    {
        var sb = new StringBuilder(utf8.Length);
        while (!utf8.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf8(utf8, out Rune rune, out int consumed);
            if (status == OperationStatus.Done)
            {
                Append(sb, rune, escapeBackslash: true);
            }
            else
            {
                for (int i = 0; i < Math.Max(consumed, 1); i++)
                {
                    sb.Append("\\x").Append(utf8[i].ToString("x2", CultureInfo.InvariantCulture));
                }
            }

            utf8 = utf8[Math.Max(consumed, 1)..];
        }

        return sb.ToString();
    }

    private static string Escape(string? text, bool escapeBackslash)
    {
        if (text is null)
        {
            return "";
        }

        int first = FirstUnsafe(text, escapeBackslash);
        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16).Append(text, 0, first);
        ReadOnlySpan<char> rest = text.AsSpan(first);
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed) == OperationStatus.Done)
            {
                Append(sb, rune, escapeBackslash);
            }
            else
            {
                // A lone surrogate: not text at all, shown by its code unit.
                consumed = Math.Max(consumed, 1);
                sb.Append("\\u").Append(((int)rest[0]).ToString("x4", CultureInfo.InvariantCulture));
            }

            rest = rest[consumed..];
        }

        return sb.ToString();
    }

    private static int FirstUnsafe(string text, bool escapeBackslash)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is >= ' ' and < '\x7f')
            {
                if (c == '\\' && escapeBackslash)
                {
                    return i;
                }

                continue;
            }

            if (c < 0x80 || char.IsSurrogate(c) || IsUnsafe(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;

    private static void Append(StringBuilder sb, Rune rune, bool escapeBackslash)
    {
        int v = rune.Value;
        switch (v)
        {
            case '\\': sb.Append(escapeBackslash ? "\\\\" : "\\"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
        }

        if (v < 0x20 || v == 0x7f)
        {
            sb.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
        }
        else if (IsUnsafe(Rune.GetUnicodeCategory(rune)))
        {
            sb.Append(v > 0xffff ? "\\U" + v.ToString("x8", CultureInfo.InvariantCulture) : "\\u" + v.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append(rune.ToString());
        }
    }
}
