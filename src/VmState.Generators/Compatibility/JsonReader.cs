using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace VmState.Generators.Compatibility;

/// <summary>
/// A small JSON reader for baseline files: the analyzer assembly loads in the compiler, so it takes no JSON library.
/// Bounded in depth; a malformed text throws <see cref="FormatException"/> with the offset, which the caller turns
/// into a diagnostic.
/// </summary>
internal sealed class JsonReader
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;

    private JsonReader(string text) => _text = text;

    /// <summary>The value <paramref name="text"/> holds: a dictionary, list, string, double, bool or null.</summary>
    public static object? Parse(string text)
    {
        var reader = new JsonReader(text);
        object? value = reader.Value(0);
        reader.SkipSpace();
        if (reader._pos != text.Length)
        {
            throw reader.Error("text after the value");
        }

        return value;
    }

    private FormatException Error(string what) =>
        new(what + " at offset " + _pos.ToString(CultureInfo.InvariantCulture));

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\r' or '\n')
        {
            _pos++;
        }
    }

    private object? Value(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("nesting deeper than " + MaxDepth.ToString(CultureInfo.InvariantCulture));
        }

        SkipSpace();
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end");
        }

        char c = _text[_pos];
        switch (c)
        {
            case '{':
                return Object(depth);
            case '[':
                return Array(depth);
            case '"':
                return String();
            case 't':
                return Word("true", true);
            case 'f':
                return Word("false", false);
            case 'n':
                return Word("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return Number();
                }

                throw Error("unexpected '" + c + "'");
        }
    }

    private object? Word(string word, object? value)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
        {
            throw Error("unexpected word");
        }

        _pos += word.Length;
        return value;
    }

    private Dictionary<string, object?> Object(int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        _pos++;
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == '}')
        {
            _pos++;
            return result;
        }

        while (true)
        {
            SkipSpace();
            if (_pos >= _text.Length || _text[_pos] != '"')
            {
                throw Error("expected a key");
            }

            string key = String();
            SkipSpace();
            Expect(':');
            // A repeated key keeps its first value, as a checker reading the file once would see it.
            object? value = Value(depth + 1);
            if (!result.ContainsKey(key))
            {
                result[key] = value;
            }

            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                continue;
            }

            Expect('}');
            return result;
        }
    }

    private List<object?> Array(int depth)
    {
        var result = new List<object?>();
        _pos++;
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == ']')
        {
            _pos++;
            return result;
        }

        while (true)
        {
            result.Add(Value(depth + 1));
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                continue;
            }

            Expect(']');
            return result;
        }
    }

    private void Expect(char c)
    {
        if (_pos >= _text.Length || _text[_pos] != c)
        {
            throw Error("expected '" + c + "'");
        }

        _pos++;
    }

    private string String()
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            char c = _text[_pos++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            char e = _text[_pos++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                    {
                        throw Error("bad \\u escape");
                    }

                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    throw Error("bad escape");
            }
        }
    }

    private double Number()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsDigit(_text[_pos]) || _text[_pos] is '-' or '+' or '.' or 'e' or 'E'))
        {
            _pos++;
        }

        if (!double.TryParse(_text.Substring(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            throw Error("bad number");
        }

        return d;
    }
}
