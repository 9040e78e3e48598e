using System.Globalization;
using System.Text.Json;
using VmState.Analysis;
using VmState.Description;
using VmState.Wire;

namespace VmState.Compat;

/// <summary>
/// A body's values by field path, decoded by its own VMDESCRIPTION entry as QEMU's <c>analyze-migration.py</c> decodes
/// it: so a stream of an old version is read with the layout it was written with, not with the current code's.
/// Paths are the runtime's error paths: <c>rxbuf_size</c>, <c>env.segs[3].base</c>, <c>mit_state/mit_ide</c>.
/// </summary>
internal static class GoldenStreamValues
{
    /// <summary>The VMDESCRIPTION entry of <paramref name="device"/> as it is now (call it right after a save).</summary>
    public static AnalysisObject Describe<T>(T device)
        where T : IVmStateObject
    {
        using JsonDocument doc = JsonDocument.Parse(VmStateSerializer.Describe(device));
        return (AnalysisObject)AnalysisNode.FromJson(doc.RootElement);
    }

    /// <summary>Decodes <paramref name="body"/> by <paramref name="description"/>; the description must cover every byte.</summary>
    /// <exception cref="VmStateLoadException">The bytes do not match the description.</exception>
    public static AnalysisObject Decode(ReadOnlySpan<byte> body, AnalysisObject description)
    {
        var reader = new VmStateReader(body);
        var values = new AnalysisObject();
        new VmDescriptionWalker().ReadBody(ref reader, description, values);
        if (!reader.End)
        {
            throw new VmStateLoadException(
                string.Create(CultureInfo.InvariantCulture, $"The description covers {reader.Position} of the stream's {body.Length} bytes"),
                reader.Position);
        }

        return values;
    }

    /// <summary>
    /// <paramref name="values"/> (an old body's) with every field the current code renamed (<c>FormerName</c>) under
    /// its current name, so that a recorded rename compares like any other field; struct fields and subsections are
    /// followed into their own descriptions.
    /// </summary>
    public static AnalysisObject Renamed(AnalysisObject values, VmStateDescription current)
    {
        var copy = new AnalysisObject();
        foreach ((string key, AnalysisNode value) in values.Members)
        {
            if (key.Contains('/', StringComparison.Ordinal))
            {
                VmStateDescription? sub = current.Subsections.FirstOrDefault(s => s.Name == key);
                copy.Set(key, sub is not null && value is AnalysisObject o ? Renamed(o, sub) : value);
                continue;
            }

            VmStateFieldDescription? field = current.Fields.FirstOrDefault(f => f.Name == key)
                ?? current.Fields.FirstOrDefault(f => f.FormerName == key);
            string name = field?.Name ?? key;
            copy.Set(name, field?.Nested is { } nested ? RenamedNested(value, nested) : value);
        }

        return copy;
    }

    private static AnalysisNode RenamedNested(AnalysisNode value, VmStateDescription nested) => value switch
    {
        AnalysisObject o => Renamed(o, nested),
        AnalysisList list => new AnalysisList(list.Items.Select(item => RenamedNested(item, nested))),
        _ => value,
    };

    /// <summary>The leaves of a decoded body by path, in wire order.</summary>
    /// <param name="values">The decoded body.</param>
    /// <param name="descriptionName">Its description's name, the prefix its subsections' names start with.</param>
    public static List<KeyValuePair<string, string>> Flatten(AnalysisObject values, string descriptionName)
    {
        var leaves = new List<KeyValuePair<string, string>>();
        AddObject(leaves, "", '/', values, descriptionName);
        return leaves;
    }

    // A struct's members follow its path after '.', a subsection's after '/'. Field names have no '/'; subsection
    // names do (QEMU's "device/what"), and their paths are relative to the description that holds them, as in load
    // errors. The owner is that description's name; a struct's subsections keep their full names.
    private static void AddObject(List<KeyValuePair<string, string>> leaves, string prefix, char separator, AnalysisObject values, string? owner)
    {
        foreach ((string key, AnalysisNode value) in values.Members)
        {
            if (key.Contains('/', StringComparison.Ordinal))
            {
                string relative = owner is not null && key.StartsWith(owner + "/", StringComparison.Ordinal) ? key[(owner.Length + 1)..] : key;
                string path = prefix.Length == 0 ? relative : prefix + "/" + relative;
                if (value is AnalysisObject sub)
                {
                    AddObject(leaves, path, '/', sub, key);
                }
                else
                {
                    Add(leaves, path, value);
                }
            }
            else
            {
                Add(leaves, prefix.Length == 0 ? key : prefix + separator + key, value);
            }
        }
    }

    private static void Add(List<KeyValuePair<string, string>> leaves, string path, AnalysisNode value)
    {
        switch (value)
        {
            case AnalysisObject o:
                AddObject(leaves, path, '.', o, owner: null);
                break;
            case AnalysisList list:
                for (int i = 0; i < list.Items.Count; i++)
                {
                    Add(leaves, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", list.Items[i]);
                }

                break;
            case AnalysisString s:
                leaves.Add(new(path, s.Value));
                break;
            default:
                leaves.Add(new(path, value.ToJson()));
                break;
        }
    }
}
