using System.Globalization;
using System.Text;

namespace VmState.Description;

/// <summary>
/// Writes JSON exactly as QEMU's JSON writer does in compact mode, the form of a stream's VMDESCRIPTION:
/// <c>"key": value</c>, items separated by <c>", "</c>, no newlines, non-ASCII and control characters as
/// <c>\uXXXX</c>. Generated <c>DescribeVmState</c> methods write a description's members into it.
/// </summary>
public sealed class VmDescriptionWriter
{
    private readonly StringBuilder _sb = new();
    private readonly Stack<bool> _hasItems = new();

    /// <summary>The JSON written so far.</summary>
    public override string ToString() => _sb.ToString();

    /// <summary>Characters written so far.</summary>
    public int Length => _sb.Length;

    private void Separator(string? key)
    {
        if (_hasItems.Count > 0)
        {
            if (_hasItems.Peek())
            {
                _sb.Append(", ");
            }
            else
            {
                _hasItems.Pop();
                _hasItems.Push(true);
            }
        }

        if (key is not null)
        {
            Quoted(key);
            _sb.Append(": ");
        }
    }

    /// <summary>Opens an object, as an array item or the top level (<paramref name="key"/> null) or as a member.</summary>
    public void BeginObject(string? key = null)
    {
        Separator(key);
        _sb.Append('{');
        _hasItems.Push(false);
    }

    /// <summary>Closes the innermost object.</summary>
    public void EndObject()
    {
        _hasItems.Pop();
        _sb.Append('}');
    }

    /// <summary>Opens an array member (or item when <paramref name="key"/> is null).</summary>
    public void BeginArray(string? key)
    {
        Separator(key);
        _sb.Append('[');
        _hasItems.Push(false);
    }

    /// <summary>Closes the innermost array.</summary>
    public void EndArray()
    {
        _hasItems.Pop();
        _sb.Append(']');
    }

    /// <summary>A string member.</summary>
    public void String(string key, string value)
    {
        Separator(key);
        Quoted(value);
    }

    /// <summary>An integer member.</summary>
    public void Number(string key, long value)
    {
        Separator(key);
        _sb.Append(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A boolean member.</summary>
    public void Bool(string key, bool value)
    {
        Separator(key);
        _sb.Append(value ? "true" : "false");
    }

    /// <summary>
    /// Opens one field entry: <c>{"name": ..., ["array_len": n | "index": i,] "type": ...</c>. An array described by
    /// its first element passes its element count and index -1; an element of an array that cannot be so
    /// described passes its index.
    /// </summary>
    public void BeginField(string name, string type, int arrayLength = 1, int index = -1)
    {
        BeginObject();
        String("name", name);

        // QEMU (vmsd_desc_field_start) adds "index" or "array_len" only when the array has more than one element.
        if (arrayLength > 1)
        {
            if (index >= 0)
            {
                Number("index", index);
            }
            else
            {
                Number("array_len", arrayLength);
            }
        }

        String("type", type);
    }

    /// <summary>Closes a field entry with its <c>"size"</c>: bytes on the wire of one element.</summary>
    public void EndField(long size)
    {
        Number("size", size);
        EndObject();
    }

    /// <summary>A whole entry for a field written by a codec or as bytes (no nested description).</summary>
    public void Field(string name, string type, long size, int arrayLength = 1, int index = -1)
    {
        BeginField(name, type, arrayLength, index);
        EndField(size);
    }

    /// <summary>
    /// Describes <paramref name="count"/> values of one field as QEMU does: nothing for none; one entry for one;
    /// for more, one entry with <c>array_len</c> when <paramref name="compressible"/>, else one entry per element
    /// with its <c>index</c>. Returns the bytes they take. <paramref name="json"/> may be null (size only).
    /// </summary>
    public static int Values(VmDescriptionWriter? json, string name, string type, int size, int count, bool compressible)
    {
        if (json is not null && count > 0)
        {
            if (compressible || count == 1)
            {
                json.Field(name, type, size, count);
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    json.Field(name, type, size, count, i);
                }
            }
        }

        return checked(size * count);
    }

    private void Quoted(string s)
    {
        _sb.Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\b': _sb.Append("\\b"); break;
                case '\f': _sb.Append("\\f"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c >= 0x7f)
                    {
                        // QEMU prints every non-ASCII code unit as an upper-case \u escape; C# strings are already
                        // UTF-16, so characters beyond the BMP come out as the same surrogate pair QEMU prints.
                        _sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _sb.Append(c);
                    }

                    break;
            }
        }

        _sb.Append('"');
    }
}
