using System.Globalization;
using System.Text.Json;

namespace VmState.Analysis;

/// <summary>
/// A value of the analyzer's output tree: an ordered object, a list, a string, a boolean or an integer, written
/// as Python's <c>json</c> module writes it (4-space indent, <c>","</c>/<c>": "</c> separators, ASCII escapes), so
/// the output is byte for byte what QEMU's <c>analyze-migration.py</c> prints.
/// </summary>
public abstract class AnalysisNode
{
    private protected AnalysisNode()
    {
    }

    /// <summary>The node as Python's <c>json.dumps(node, indent=4)</c> text (no trailing newline).</summary>
    public string ToJson()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        WriteJson(text);
        return text.ToString();
    }

    /// <summary>Writes <see cref="ToJson"/>'s text to <paramref name="output"/> as it goes, never holding it whole.</summary>
    public void WriteJson(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Write(output, 0);
    }

    /// <summary>Converts parsed JSON into nodes, keeping member order.</summary>
    public static AnalysisNode FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => AnalysisObject.ObjectFromJson(element),
        JsonValueKind.Array => new AnalysisList(element.EnumerateArray().Select(FromJson)),
        JsonValueKind.String => new AnalysisString(element.GetString()!),
        JsonValueKind.True => AnalysisBool.True,
        JsonValueKind.False => AnalysisBool.False,
        JsonValueKind.Number => new AnalysisNumber(element.GetRawText()),
        _ => new AnalysisNumber("null"),
    };

    internal abstract void Write(TextWriter output, int depth);

    private protected static void Indent(TextWriter output, int depth)
    {
        output.Write('\n');
        for (int left = depth * 4; left > 0; left -= Spaces.Length)
        {
            output.Write(Spaces.AsSpan(0, Math.Min(left, Spaces.Length)));
        }
    }

    private const string Spaces = "                                                                ";

    private protected static void Quote(TextWriter output, string text)
    {
        output.Write('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': output.Write("\\\""); break;
                case '\\': output.Write("\\\\"); break;
                case '\n': output.Write("\\n"); break;
                case '\r': output.Write("\\r"); break;
                case '\t': output.Write("\\t"); break;
                case '\b': output.Write("\\b"); break;
                case '\f': output.Write("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        output.Write("\\u");
                        output.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        output.Write(c);
                    }

                    break;
            }
        }

        output.Write('"');
    }
}

/// <summary>An object whose members keep insertion order (Python's OrderedDict).</summary>
public sealed class AnalysisObject : AnalysisNode
{
    // Small objects (most structs) look keys up by a scan; an index is built only past this many members, so an
    // array of small structs costs little more than what it prints.
    private const int ScanLimit = 8;

    private readonly List<KeyValuePair<string, AnalysisNode>> _members = [];
    private Dictionary<string, int>? _index;

    /// <summary>The members in order.</summary>
    public IReadOnlyList<KeyValuePair<string, AnalysisNode>> Members => _members;

    /// <summary>The member named <paramref name="key"/>, or null.</summary>
    public AnalysisNode? this[string key] => IndexOf(key) is int i and >= 0 ? _members[i].Value : null;

    /// <summary>Sets a member; an existing key keeps its position.</summary>
    public void Set(string key, AnalysisNode value)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            _members[i] = new(key, value);
            return;
        }

        _index?.Add(key, _members.Count);
        _members.Add(new(key, value));
        if (_index is null && _members.Count > ScanLimit)
        {
            _index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int m = 0; m < _members.Count; m++)
            {
                _index[_members[m].Key] = m;
            }
        }
    }

    /// <summary>Removes a member, if there is one.</summary>
    internal void Remove(string key)
    {
        int i = IndexOf(key);
        if (i < 0)
        {
            return;
        }

        _members.RemoveAt(i);
        _index = null;
        if (_members.Count > ScanLimit)
        {
            _index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int m = 0; m < _members.Count; m++)
            {
                _index[_members[m].Key] = m;
            }
        }
    }

    private int IndexOf(string key)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(key, out int i) ? i : -1;
        }

        for (int i = 0; i < _members.Count; i++)
        {
            if (string.Equals(_members[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    internal static AnalysisObject ObjectFromJson(JsonElement element)
    {
        var o = new AnalysisObject();
        foreach (JsonProperty p in element.EnumerateObject())
        {
            o.Set(p.Name, FromJson(p.Value));
        }

        return o;
    }

    internal override void Write(TextWriter output, int depth)
    {
        if (_members.Count == 0)
        {
            output.Write("{}");
            return;
        }

        output.Write('{');
        for (int i = 0; i < _members.Count; i++)
        {
            if (i > 0)
            {
                output.Write(',');
            }

            Indent(output, depth + 1);
            Quote(output, _members[i].Key);
            output.Write(": ");
            _members[i].Value.Write(output, depth + 1);
        }

        Indent(output, depth);
        output.Write('}');
    }
}

/// <summary>A list.</summary>
public sealed class AnalysisList : AnalysisNode
{
    /// <summary>A list of <paramref name="items"/>.</summary>
    public AnalysisList(IEnumerable<AnalysisNode> items) => Items = [.. items];

    /// <summary>An empty list with room for <paramref name="capacity"/> items.</summary>
    public AnalysisList(int capacity) => Items = new List<AnalysisNode>(capacity);

    /// <summary>The items.</summary>
    public List<AnalysisNode> Items { get; }

    internal override void Write(TextWriter output, int depth)
    {
        if (Items.Count == 0)
        {
            output.Write("[]");
            return;
        }

        output.Write('[');
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                output.Write(',');
            }

            Indent(output, depth + 1);
            Items[i].Write(output, depth + 1);
        }

        Indent(output, depth);
        output.Write(']');
    }
}

/// <summary>A string.</summary>
public sealed class AnalysisString(string value) : AnalysisNode
{
    /// <summary>The text.</summary>
    public string Value { get; } = value;

    internal override void Write(TextWriter output, int depth) => Quote(output, Value);
}

/// <summary>A boolean.</summary>
public sealed class AnalysisBool : AnalysisNode
{
    private AnalysisBool(bool value) => Value = value;

    /// <summary>true.</summary>
    public static AnalysisBool True { get; } = new(true);

    /// <summary>false.</summary>
    public static AnalysisBool False { get; } = new(false);

    /// <summary>The value.</summary>
    public bool Value { get; }

    internal override void Write(TextWriter output, int depth) => output.Write(Value ? "true" : "false");
}

/// <summary>A number (or null), written as its JSON text.</summary>
public sealed class AnalysisNumber(string text) : AnalysisNode
{
    /// <summary>The JSON text.</summary>
    public string Text { get; } = text;

    internal override void Write(TextWriter output, int depth) => output.Write(Text);
}
