using System;
using System.Collections.Generic;
using System.Globalization;

namespace VmState.Generators.Compatibility;

/// <summary>One shipped description of a baseline file: what a release sent for it.</summary>
internal sealed record BaselineDescription(
    string Name, int Version, int MinimumVersion, IReadOnlyList<BaselineField> Fields, IReadOnlyList<BaselineDescription> Subsections);

/// <summary>One shipped field: its name, version, element size, element count (when an array) and nested description.</summary>
internal sealed record BaselineField(string Name, int Version, bool HasExists, int Size, int? Num, BaselineDescription? Nested);

/// <summary>
/// One baseline file (a <c>-dump-vmstate</c> JSON of a shipped release): its sections' descriptions by dump key
/// (the device type, as QEMU's static checker pairs sections). The <c>vmschkmachine</c> entry names the machine and is
/// left out.
/// </summary>
internal sealed class Baseline
{
    private readonly Dictionary<string, BaselineDescription> _byKey;

    private Baseline(string file, Dictionary<string, BaselineDescription> byKey)
    {
        File = file;
        _byKey = byKey;
    }

    /// <summary>The file's name, for messages.</summary>
    public string File { get; }

    /// <summary>
    /// The shipped description under the first of <paramref name="keys"/> (a type's dump keys) the file has. Keys, not
    /// description names: QEMU nests descriptions named like a section (the PCI VGA's common state is "vga" too), and
    /// only the key tells the section apart.
    /// </summary>
    public BaselineDescription? Find(IEnumerable<string> keys)
    {
        foreach (string key in keys)
        {
            if (_byKey.TryGetValue(key, out BaselineDescription? d))
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>Reads <paramref name="text"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Baseline Read(string file, string text)
    {
        if (JsonReader.Parse(text) is not Dictionary<string, object?> top)
        {
            throw new FormatException("the top level is not an object");
        }

        var byKey = new Dictionary<string, BaselineDescription>(StringComparer.Ordinal);
        var keys = new List<string>(top.Keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            if (key == "vmschkmachine")
            {
                continue;
            }

            if (top[key] is not Dictionary<string, object?> section || !section.TryGetValue("Description", out object? d) || d is not Dictionary<string, object?> description)
            {
                throw new FormatException("section '" + key + "' has no Description object");
            }

            byKey[key] = Description(description, key, 0);
        }

        return new Baseline(file, byKey);
    }

    private static BaselineDescription Description(Dictionary<string, object?> o, string where, int depth)
    {
        if (depth > 16)
        {
            throw new FormatException("descriptions nested too deep in '" + where + "'");
        }

        string name = o.TryGetValue("name", out object? n) && n is string s ? s : throw new FormatException("a description in '" + where + "' has no name");
        var fields = new List<BaselineField>();
        if (o.TryGetValue("Fields", out object? f) && f is List<object?> list)
        {
            foreach (object? item in list)
            {
                if (item is not Dictionary<string, object?> field || !field.TryGetValue("field", out object? fn) || fn is not string fieldName)
                {
                    throw new FormatException("a field of '" + name + "' has no name");
                }

                BaselineDescription? nested = field.TryGetValue("Description", out object? nd) && nd is Dictionary<string, object?> nestedObject
                    ? Description(nestedObject, where, depth + 1)
                    : null;
                fields.Add(new BaselineField(
                    fieldName,
                    Int(field, "version_id", name) ?? 0,
                    field.TryGetValue("field_exists", out object? e) && e is true,
                    Int(field, "size", name) ?? 0,
                    Int(field, "num", name),
                    nested));
            }
        }

        var subsections = new List<BaselineDescription>();
        if (o.TryGetValue("Subsections", out object? ss) && ss is List<object?> subsectionList)
        {
            foreach (object? item in subsectionList)
            {
                if (item is not Dictionary<string, object?> sub)
                {
                    throw new FormatException("a subsection of '" + name + "' is not an object");
                }

                subsections.Add(Description(sub, where, depth + 1));
            }
        }

        return new BaselineDescription(name, Int(o, "version_id", name) ?? 0, Int(o, "minimum_version_id", name) ?? 0, fields, subsections);
    }

    private static int? Int(Dictionary<string, object?> o, string key, string where)
    {
        if (!o.TryGetValue(key, out object? v) || v is null)
        {
            return null;
        }

        if (v is double d && d >= int.MinValue && d <= int.MaxValue && Math.Floor(d) == d)
        {
            return (int)d;
        }

        throw new FormatException("'" + key + "' in '" + where + "' is not an integer: " + Convert.ToString(v, CultureInfo.InvariantCulture));
    }
}
