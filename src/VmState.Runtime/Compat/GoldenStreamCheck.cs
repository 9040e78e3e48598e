using System.Globalization;
using System.Text;
using VmState.Analysis;
using VmState.Description;
using VmState.Wire;

namespace VmState.Compat;

/// <summary>
/// One recorded version against the current code: load it, save again, and compare the two bodies by field path,
/// each decoded by its own layout. Comparing the decoded values rather than the load's result alone is what finds a
/// field that moved: the current code would load its bytes into a neighbour without any error.
/// </summary>
internal static class GoldenStreamCheck
{
    private const int ShownValueLength = 80;
    private const int ListedMismatches = 5;

    /// <summary>Checks the stream recorded at <paramref name="version"/>; returns how many fields were compared.</summary>
    /// <exception cref="VmStateGoldenStreamException">The stream does not load, or a value differs.</exception>
    public static int Run<T>(string folder, int version, Func<T> create)
        where T : class, IVmStateObject
    {
        VmStateDescription d = T.VmStateDescription;
        string bin = GoldenStreamFiles.BinPath(folder, version);
        if (version > d.Version)
        {
            throw Error(bin, version, string.Create(CultureInfo.InvariantCulture,
                $"The stream was recorded at version {version}, above the current version {d.Version} of '{d.Name}': versions only go up"), d.Name);
        }

        byte[] old = File.ReadAllBytes(bin);
        AnalysisObject oldDescription = GoldenStreamFiles.ReadDescription(GoldenStreamFiles.JsonPath(folder, version), d.Name, version, old);
        AnalysisObject oldValues;
        try
        {
            oldValues = GoldenStreamValues.Decode(old, oldDescription);
        }
        catch (VmStateException e)
        {
            throw Wrap(bin, version, "The stream does not match its recorded description: ", e, d.Name);
        }

        T loaded = Fresh(create);
        try
        {
            VmStateSerializer.Load(loaded, old, version);
        }
        catch (VmStateException e)
        {
            throw Wrap(bin, version, "The stream does not load into the current code: ", e, d.Name);
        }

        byte[] saved = VmStateSerializer.Save(loaded);
        List<KeyValuePair<string, string>> now = GoldenStreamValues.Flatten(GoldenStreamValues.Decode(saved, GoldenStreamValues.Describe(loaded)), d.Name);
        // A field the old stream lacks holds, after the load, either what a new instance holds or its declared
        // Default (which the load sets for a field it skips by version): anything else came from the old bytes.
        Dictionary<string, string> initial = Values(Fresh(create), reset: false, d.Name);
        Dictionary<string, string> declared = Values(Fresh(create), reset: true, d.Name);
        Dictionary<string, string> before = ByPath(GoldenStreamValues.Flatten(GoldenStreamValues.Renamed(oldValues, d), d.Name));

        var mismatches = new List<(string Path, string Old, string New, bool Default)>();
        int compared = 0;
        foreach ((string path, string value) in now)
        {
            if (before.TryGetValue(path, out string? was))
            {
                compared++;
                if (was != value)
                {
                    mismatches.Add((path, was, value, false));
                }
            }
            else if (initial.TryGetValue(path, out string? fresh))
            {
                compared++;
                if (fresh != value && !(declared.TryGetValue(path, out string? reset) && reset == value))
                {
                    mismatches.Add((path, fresh, value, true));
                }
            }
        }

        if (mismatches.Count > 0)
        {
            throw Mismatch(bin, version, d.Name, mismatches);
        }

        return compared;
    }

    private static T Fresh<T>(Func<T> create)
        where T : class =>
        create() ?? throw new InvalidOperationException("The factory passed to AssertLoad returned null");

    private static Dictionary<string, string> Values<T>(T device, bool reset, string name)
        where T : IVmStateObject
    {
        if (reset)
        {
            device.ResetVmState();
        }

        byte[] body = VmStateSerializer.Save(device);
        return ByPath(GoldenStreamValues.Flatten(GoldenStreamValues.Decode(body, GoldenStreamValues.Describe(device)), name));
    }

    private static Dictionary<string, string> ByPath(List<KeyValuePair<string, string>> leaves)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string path, string value) in leaves)
        {
            map.TryAdd(path, value);
        }

        return map;
    }

    private static VmStateGoldenStreamException Mismatch(string bin, int version, string name, List<(string Path, string Old, string New, bool Default)> mismatches)
    {
        (string path, string old, string now, bool isDefault) = mismatches[0];
        string reason = isDefault
            ? string.Create(CultureInfo.InvariantCulture, $"Field '{path}', which the stream of version {version} does not carry, holds {Shown(now)} after the load, neither what a new instance holds ({Shown(old)}) nor its declared default (a field renamed without FormerName, or moved, reads so)")
            : string.Create(CultureInfo.InvariantCulture, $"Field '{path}' arrived as {Shown(now)}, but the stream of version {version} carried {Shown(old)}");
        if (mismatches.Count > 1)
        {
            var also = new StringBuilder(reason).Append("; ")
                .Append((mismatches.Count - 1).ToString(CultureInfo.InvariantCulture)).Append(" more differ: ");
            also.AppendJoin(", ", mismatches.Skip(1).Take(ListedMismatches).Select(m => m.Path));
            if (mismatches.Count - 1 > ListedMismatches)
            {
                also.Append(", …");
            }

            reason = also.ToString();
        }

        var e = new VmStateGoldenStreamException(bin, version, reason) { OldValue = old, NewValue = now };
        e.SetDescriptionIfUnset(name);
        e.PrependField(path, -1);
        return e;
    }

    private static VmStateGoldenStreamException Wrap(string bin, int version, string what, VmStateException inner, string name)
    {
        var e = new VmStateGoldenStreamException(bin, version, what + inner.Reason, inner.Offset, inner);
        e.SetDescriptionIfUnset(inner.Description ?? name);
        if (inner.FieldPath.Length > 0)
        {
            e.PrependField(inner.FieldPath, -1);
        }

        return e;
    }

    private static VmStateGoldenStreamException Error(string bin, int version, string reason, string name)
    {
        var e = new VmStateGoldenStreamException(bin, version, reason);
        e.SetDescriptionIfUnset(name);
        return e;
    }

    private static string Shown(string value) =>
        value.Length <= ShownValueLength ? value : value[..ShownValueLength] + "… (" + value.Length.ToString(CultureInfo.InvariantCulture) + " characters)";
}
