using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text;

namespace VmState.Schema;

/// <summary>
/// One value of a parsed <c>-dump-vmstate</c> file, held the way Python's <c>json</c> module holds it, because the
/// checker has to see what QEMU's script sees: an object lists its keys in first-seen order and keeps the last value
/// of a repeated key; integers have no size limit. The accessors check the kind they need when they are called, so
/// a wrong or missing value is reported where the script would have stumbled on it, and nowhere else.
/// </summary>
internal sealed class DumpValue
{
    // Python refuses to parse integer literals longer than this (sys.int_info.default_max_str_digits).
    private const int MaxIntegerDigits = 4300;

    private readonly string _dumpName;
    private readonly DumpValue? _parent;
    private readonly string? _key;
    private readonly int _index;
    private readonly List<string>? _keys;
    private readonly Dictionary<string, DumpValue>? _members;
    private readonly List<DumpValue>? _items;
    private readonly string? _text;

    private DumpValue(JsonElement element, string dumpName, DumpValue? parent, string? key, int index)
    {
        _dumpName = dumpName;
        _parent = parent;
        _key = key;
        _index = index;
        Kind = element.ValueKind;
        switch (Kind)
        {
            case JsonValueKind.Object:
                _keys = [];
                _members = new Dictionary<string, DumpValue>(StringComparer.Ordinal);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    string name = Text(() => property.Name, "a key");
                    if (!_members.ContainsKey(name))
                    {
                        _keys.Add(name);
                    }

                    _members[name] = new DumpValue(property.Value, dumpName, this, name, -1);
                }

                break;
            case JsonValueKind.Array:
                _items = [];
                foreach (JsonElement item in element.EnumerateArray())
                {
                    _items.Add(new DumpValue(item, dumpName, this, null, _items.Count));
                }

                break;
            case JsonValueKind.String:
                _text = Text(element.GetString, "a string")!;
                break;
            case JsonValueKind.Number:
                _text = element.GetRawText();
                if (IsIntegerLiteral(_text) && _text.TrimStart('-').Length > MaxIntegerDigits)
                {
                    throw Fail($"an integer of more than {MaxIntegerDigits} digits (Python's json refuses it)");
                }

                break;
        }
    }

    /// <summary>What kind of JSON value this is.</summary>
    public JsonValueKind Kind { get; }

    /// <summary>The object's keys in Python's order (first occurrence).</summary>
    public IReadOnlyList<string> Keys => _keys ?? throw Expected("an object");

    /// <summary>The array's elements.</summary>
    public IReadOnlyList<DumpValue> Items => _items ?? throw Expected("an array");

    /// <summary>True for <c>[]</c>, the one value the script compares a field list against.</summary>
    public bool IsEmptyArray => _items is { Count: 0 };

    /// <summary>The path of this value (<c>$.e1000.Description.Fields[3]</c>).</summary>
    public string Path
    {
        get
        {
            var segments = new List<string>();
            for (DumpValue? v = this; v?._parent is not null; v = v._parent)
            {
                segments.Add(v._key is null ? "[" + v._index.ToString(CultureInfo.InvariantCulture) + "]" : KeySegment(v._key));
            }

            var sb = new StringBuilder("$");
            for (int i = segments.Count - 1; i >= 0; i--)
            {
                sb.Append(segments[i]);
            }

            return sb.ToString();
        }
    }

    /// <summary>Parses a whole document; the top level must be an object, as the script iterates its keys.</summary>
    public static DumpValue FromDocument(JsonElement root, string dumpName)
    {
        var value = new DumpValue(root, dumpName, null, null, -1);
        return value.Kind == JsonValueKind.Object ? value : throw value.Expected("an object");
    }

    /// <summary>Python's <c>key in obj</c>.</summary>
    public bool Has(string key) => (_members ?? throw Expected("an object")).ContainsKey(key);

    /// <summary>Python's <c>obj[key]</c>.</summary>
    public DumpValue Get(string key)
    {
        Dictionary<string, DumpValue> members = _members ?? throw Expected("an object");
        return members.TryGetValue(key, out DumpValue? value) ? value : throw Fail($"\"{key}\" missing");
    }

    /// <summary><c>obj[key]</c>, which must be a string.</summary>
    public string String(string key)
    {
        DumpValue value = Get(key);
        return value.Kind == JsonValueKind.String ? value._text! : throw value.Expected("a string");
    }

    /// <summary><c>obj[key]</c>, which must be an integer (Python's int; a float or a bool is refused).</summary>
    public BigInteger Integer(string key)
    {
        DumpValue value = Get(key);
        return value.Kind == JsonValueKind.Number && IsIntegerLiteral(value._text!)
            ? BigInteger.Parse(value._text!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : throw value.Expected("an integer");
    }

    private static bool IsIntegerLiteral(string raw) => raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0;

    private static string KeySegment(string key)
    {
        bool plain = key.Length > 0 && !char.IsAsciiDigit(key[0]);
        foreach (char c in key)
        {
            plain &= char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
        }

        return plain ? "." + key : "['" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }

    private string Text(Func<string?> read, string what)
    {
        try
        {
            return read() ?? "";
        }
        catch (InvalidOperationException e)
        {
            // A lone surrogate escape such as "\ud800": Python would fail on it when printing.
            throw Fail(what + " that is not valid Unicode", e);
        }
    }

    private VmStateSchemaException Expected(string what) => Fail($"expected {what}, got {Describe()}");

    private VmStateSchemaException Fail(string reason, Exception? inner = null) => new(_dumpName, Path, reason, inner);

    private string Describe() => Kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "the number " + (_text!.Length <= 40 ? _text : _text[..40] + "..."),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };
}
