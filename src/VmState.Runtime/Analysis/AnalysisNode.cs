using System.Globalization;
using System.Text.Json;
using System.Text;

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
        var sb = new StringBuilder();
        Write(sb, 0);
        return sb.ToString();
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

    internal abstract void Write(StringBuilder sb, int depth);

    private protected static void Indent(StringBuilder sb, int depth) => sb.Append('\n').Append(' ', depth * 4);

    private protected static void Quote(StringBuilder sb, string text)
    {
        sb.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}

/// <summary>An object whose members keep insertion order (Python's OrderedDict).</summary>
public sealed class AnalysisObject : AnalysisNode
{
    private readonly List<KeyValuePair<string, AnalysisNode>> _members = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>The members in order.</summary>
    public IReadOnlyList<KeyValuePair<string, AnalysisNode>> Members => _members;

    /// <summary>The member named <paramref name="key"/>, or null.</summary>
    public AnalysisNode? this[string key] => _index.TryGetValue(key, out int i) ? _members[i].Value : null;

    /// <summary>Sets a member; an existing key keeps its position.</summary>
    public void Set(string key, AnalysisNode value)
    {
        if (_index.TryGetValue(key, out int i))
        {
            _members[i] = new(key, value);
        }
        else
        {
            _index[key] = _members.Count;
            _members.Add(new(key, value));
        }
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

    internal override void Write(StringBuilder sb, int depth)
    {
        if (_members.Count == 0)
        {
            sb.Append("{}");
            return;
        }

        sb.Append('{');
        for (int i = 0; i < _members.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            Indent(sb, depth + 1);
            Quote(sb, _members[i].Key);
            sb.Append(": ");
            _members[i].Value.Write(sb, depth + 1);
        }

        Indent(sb, depth);
        sb.Append('}');
    }
}

/// <summary>A list.</summary>
public sealed class AnalysisList : AnalysisNode
{
    /// <summary>A list of <paramref name="items"/>.</summary>
    public AnalysisList(IEnumerable<AnalysisNode> items) => Items = [.. items];

    /// <summary>The items.</summary>
    public List<AnalysisNode> Items { get; }

    internal override void Write(StringBuilder sb, int depth)
    {
        if (Items.Count == 0)
        {
            sb.Append("[]");
            return;
        }

        sb.Append('[');
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            Indent(sb, depth + 1);
            Items[i].Write(sb, depth + 1);
        }

        Indent(sb, depth);
        sb.Append(']');
    }
}

/// <summary>A string.</summary>
public sealed class AnalysisString(string value) : AnalysisNode
{
    /// <summary>The text.</summary>
    public string Value { get; } = value;

    internal override void Write(StringBuilder sb, int depth) => Quote(sb, Value);
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

    internal override void Write(StringBuilder sb, int depth) => sb.Append(Value ? "true" : "false");
}

/// <summary>A number (or null), written as its JSON text.</summary>
public sealed class AnalysisNumber(string text) : AnalysisNode
{
    /// <summary>The JSON text.</summary>
    public string Text { get; } = text;

    internal override void Write(StringBuilder sb, int depth) => sb.Append(Text);
}
