using System.Text;

namespace VmState.Generators;

/// <summary>
/// A minimal indentation-aware text builder for emitted C#: templates are written at the column they appear at
/// in the emitter, and indented here to where they land in the generated file.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            _sb.Append(' ', _indent * 4);
        }

        _sb.Append(text).Append('\n');
    }

    /// <summary>Writes a template of several lines (a raw string literal), each at the current indentation.</summary>
    public void Lines(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            Line(line.TrimEnd('\r'));
        }
    }

    /// <summary>Writes <paramref name="header"/> (when not empty) and an opening brace, and indents what follows.</summary>
    public void Open(string header = "")
    {
        if (header.Length > 0)
        {
            Lines(header);
        }

        Line("{");
        _indent++;
    }

    /// <summary>Closes the innermost <see cref="Open"/>.</summary>
    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>Indents what follows by one level without a brace (a nested initializer, say).</summary>
    public void Indent() => _indent++;

    /// <summary>Ends an <see cref="Indent"/>.</summary>
    public void Outdent() => _indent--;

    public override string ToString() => _sb.ToString();
}
