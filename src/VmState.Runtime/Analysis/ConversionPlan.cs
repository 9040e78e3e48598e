using System.Globalization;

namespace VmState.Analysis;

/// <summary>
/// What converting a stream from one release's descriptions to another's does with one description (a device's
/// section): derived from the two <see cref="DescriptionSet"/>s and the declared <see cref="ReleaseMappings"/>.
/// </summary>
public sealed class DeviceConversion
{
    internal DeviceConversion(string vmsd) => Vmsd = vmsd;

    /// <summary>The description's vmsd name.</summary>
    public string Vmsd { get; }

    /// <summary>The target release has no description of this name: a section of it cannot be converted.</summary>
    public bool Missing { get; internal set; }

    /// <summary>The target release's description it maps to, or null when <see cref="Missing"/>.</summary>
    public DumpDescription? Target { get; internal set; }

    /// <summary>The source release's version of it.</summary>
    public int SourceVersion { get; internal set; }

    /// <summary>The target release's version, or -1 when <see cref="Missing"/>.</summary>
    public int TargetVersion { get; internal set; } = -1;

    /// <summary>The oldest version the target release loads, or -1 when <see cref="Missing"/>.</summary>
    public int TargetMinimumVersion { get; internal set; } = -1;

    /// <summary>The target loads the source's version as it is (its minimum is no newer, its version no older).</summary>
    public bool VersionLoads => !Missing && TargetMinimumVersion <= SourceVersion && SourceVersion <= TargetVersion;

    /// <summary>Subsections the source has and the target does not: dropped when not sent, refused when sent.</summary>
    public IReadOnlyList<string> DroppedSubsections => _dropped;

    /// <summary>Subsections only the target has: the source never sends them, so the target meets its defaults.</summary>
    public IReadOnlyList<string> NewSubsections => _new;

    /// <summary>(subsection or the description's own name, source field name, target field name) of renamed fields.</summary>
    public IReadOnlyList<(string Scope, string From, string To)> Renames => _renames;

    /// <summary>Split fields, and whether the conversion goes to their older release (true) or the newer (false).</summary>
    public IReadOnlyList<(FieldSplit Split, bool GoingOld)> Splits => _splits;

    /// <summary>Differences of fields that no mapping explains: a section of this description cannot be converted.</summary>
    public IReadOnlyList<string> LayoutProblems => _problems;

    /// <summary>Nothing differs: the section's bytes and description go across as they are.</summary>
    public bool Identical => !Missing && SourceVersion == TargetVersion && _dropped.Count == 0 && _new.Count == 0 && _renames.Count == 0 && _splits.Count == 0 && _problems.Count == 0;

    /// <summary>A section of this description can be converted (perhaps with refusals of values it holds).</summary>
    public bool Convertible => VersionLoads && _problems.Count == 0;

    internal readonly List<string> _dropped = [];
    internal readonly List<string> _new = [];
    internal readonly List<(string, string, string)> _renames = [];
    internal readonly List<(FieldSplit, bool)> _splits = [];
    internal readonly List<string> _problems = [];

    /// <summary>One line per difference, what a conversion does with it (none when <see cref="Identical"/>).</summary>
    public IEnumerable<string> Explain(string from, string to)
    {
        if (Missing)
        {
            yield return $"QEMU {to} has no such description: a stream with its section is refused";
            yield break;
        }

        if (SourceVersion != TargetVersion)
        {
            yield return VersionLoads
                ? string.Create(CultureInfo.InvariantCulture, $"version {SourceVersion} in {from}, {TargetVersion} in {to}, which loads versions {TargetMinimumVersion}..{TargetVersion}: the section keeps version {SourceVersion}")
                : string.Create(CultureInfo.InvariantCulture, $"version {SourceVersion} in {from}, but {to} loads versions {TargetMinimumVersion}..{TargetVersion} only: refused");
        }

        foreach ((string scope, string f, string t) in _renames)
        {
            yield return $"field {Scoped(scope, f)} is {t} in {to}, same bytes: renamed in the VMDESCRIPTION";
        }

        foreach ((FieldSplit split, bool goingOld) in _splits)
        {
            string parts = string.Join(", ", split.Parts.Select(p => p.Name));
            if (goingOld)
            {
                string lost = string.Join(", ", split.Parts.Where(p => p.GoingOld == SplitValue.Lost).Select(p => p.Name));
                string cleared = string.Join(", ", split.Parts.Where(p => p.GoingOld == SplitValue.Cleared).Select(p => p.Name));
                yield return string.Create(CultureInfo.InvariantCulture, $"fields {parts} are one field {split.OldName} ({split.Size} bytes) in {to}: same bytes")
                    + (cleared.Length > 0 ? $"; {cleared} cleared" : "")
                    + (lost.Length > 0 ? $"; {lost} has no place in {to}: refused unless zero (--lossy: cleared and listed)" : "");
            }
            else
            {
                string zero = string.Join(", ", split.Parts.Where(p => p.ZeroGoingNew).Select(p => p.Name));
                yield return string.Create(CultureInfo.InvariantCulture, $"field {split.OldName} ({split.Size} bytes) is {parts} in {to}: same bytes")
                    + (zero.Length > 0 ? $"; the bytes of {zero} must be zero, else refused" : "");
            }
        }

        foreach (string s in _dropped)
        {
            yield return $"subsection {s}: {to} has none; dropped when the stream does not send it (its state is the default), refused when it does (--lossy: dropped and listed)";
        }

        foreach (string s in _new)
        {
            yield return $"subsection {s}: only {to} has it; {from} never sends it, so {to} keeps its defaults";
        }

        foreach (string p in _problems)
        {
            yield return p + ": no mapping, a stream with this section is refused";
        }
    }

    private string Scoped(string scope, string field) => scope == Vmsd ? field : scope + "." + field;
}

/// <summary>
/// The rules for converting streams from one release's descriptions to another's: per description, what differs and
/// what a conversion does with it (<see cref="DeviceConversion"/>), read off the two releases'
/// <c>-dump-vmstate</c> files plus the declared <see cref="ReleaseMappings"/>. A third release is a third description
/// set (and its mappings), not new code.
/// </summary>
public sealed class ConversionPlan
{
    private readonly Dictionary<string, DeviceConversion> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), DeviceConversion?> _sections = [];
    private readonly IReadOnlyList<FieldRename> _renames;
    private readonly IReadOnlyList<FieldSplit> _splits;
    private readonly bool _goingOld;

    private ConversionPlan(DescriptionSet from, DescriptionSet to, IReadOnlyList<FieldRename> renames, IReadOnlyList<FieldSplit> splits, bool goingOld)
    {
        From = from;
        To = to;
        _renames = renames;
        _splits = splits;
        _goingOld = goingOld;
    }

    /// <summary>The source release's descriptions.</summary>
    public DescriptionSet From { get; }

    /// <summary>The target release's descriptions.</summary>
    public DescriptionSet To { get; }

    /// <summary>Every description of the source release, with its rules, by vmsd name in name order.</summary>
    public IEnumerable<DeviceConversion> Devices => _devices.Values.OrderBy(d => d.Vmsd, StringComparer.Ordinal);

    /// <summary>
    /// Every distinct description of the source release (those sharing a vmsd name too) with the device types that
    /// use it and its rules against the target's description most like it, in vmsd name order.
    /// </summary>
    public IEnumerable<(DeviceConversion Rules, IReadOnlyList<string> DeviceTypes)> Variants =>
        From.Variants
            .OrderBy(v => v.Description.Name, StringComparer.Ordinal)
            .Select(v => (ForSection(v.Description.Name, [.. v.Description.Fields.Select(f => f.Name)])!, v.DeviceTypes));

    /// <summary>The rules for <paramref name="vmsd"/>; null when the source release has no such description.</summary>
    public DeviceConversion? Find(string vmsd) => _devices.GetValueOrDefault(vmsd);

    /// <summary>
    /// The rules for a stream's section of <paramref name="vmsd"/> whose VMDESCRIPTION entry has the top-level
    /// <paramref name="fieldNames"/>: of the descriptions sharing the name, those most like it on each side. Null
    /// when the source release has none of that name.
    /// </summary>
    public DeviceConversion? ForSection(string vmsd, IReadOnlyCollection<string> fieldNames)
    {
        ArgumentNullException.ThrowIfNull(fieldNames);
        string key = string.Join(",", fieldNames);
        if (_sections.TryGetValue((vmsd, key), out DeviceConversion? cached))
        {
            return cached;
        }

        DeviceConversion? result = null;
        if (From.Find(vmsd, fieldNames) is { } source)
        {
            var renamed = source.Fields.Select(f => f.Name).Select(n => _renames.FirstOrDefault(r => r.Vmsd == vmsd && (_goingOld ? r.NewName : r.OldName) == n) is { } r ? (_goingOld ? r.OldName : r.NewName) : n).ToList();
            result = Rules(vmsd, source, To.Find(vmsd, renamed));
        }

        _sections[(vmsd, key)] = result;
        return result;
    }

    private DeviceConversion Rules(string name, DumpDescription source, DumpDescription? target)
    {
        var device = new DeviceConversion(name) { SourceVersion = source.Version };
        if (target is null)
        {
            device.Missing = true;
        }
        else
        {
            device.TargetVersion = target.Version;
            device.TargetMinimumVersion = target.MinimumVersion;
            device.Target = target;
            Compare(device, source, target, source.Version, _renames, _splits, _goingOld, name);
        }

        return device;
    }

    /// <summary>
    /// The plan from <paramref name="from"/> to <paramref name="to"/>. <paramref name="mappings"/> name the two
    /// releases as older and newer; a conversion between a set and itself needs none.
    /// </summary>
    public static ConversionPlan Between(DescriptionSet from, DescriptionSet to, ReleaseMappings? mappings)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        bool goingOld = mappings is not null && from.Release == mappings.NewRelease && to.Release == mappings.OldRelease;
        bool goingNew = mappings is not null && from.Release == mappings.OldRelease && to.Release == mappings.NewRelease;
        IReadOnlyList<FieldRename> renames = goingOld || goingNew ? mappings!.Renames : [];
        IReadOnlyList<FieldSplit> splits = goingOld || goingNew ? mappings!.Splits : [];
        var plan = new ConversionPlan(from, to, renames, splits, goingOld);
        foreach ((string name, DumpDescription source) in from.Descriptions)
        {
            plan._devices[name] = plan.Rules(name, source, to.Find(name, [.. source.Fields.Select(f => f.Name)]));
        }

        return plan;
    }

    private static void Compare(DeviceConversion device, DumpDescription source, DumpDescription target, int version, IReadOnlyList<FieldRename> renames, IReadOnlyList<FieldSplit> splits, bool goingOld, string path)
    {
        // The target reads a stream of the source's version: the fields that version has, on both sides.
        List<(string Name, long Size, DumpDescription? Struct)> ours = [.. source.Fields.Where(f => f.VersionId <= version).Select(f => (f.Name, f.Size, f.Struct))];
        List<(string Name, long Size, DumpDescription? Struct)> theirs = [.. target.Fields.Where(f => f.VersionId <= version).Select(f => (f.Name, f.Size, f.Struct))];
        foreach (FieldRename r in renames.Where(r => r.Vmsd == source.Name))
        {
            (string from, string to) = goingOld ? (r.NewName, r.OldName) : (r.OldName, r.NewName);
            int i = ours.FindIndex(f => f.Name == from);
            if (i >= 0 && theirs.Exists(f => f.Name == to))
            {
                ours[i] = ours[i] with { Name = to };
                device._renames.Add((source.Name, from, to));
            }
        }

        foreach (FieldSplit split in splits.Where(s => s.Vmsd == source.Name))
        {
            // Both sides in the old release's shape: the new release's parts folded into the one field.
            List<(string Name, long Size, DumpDescription? Struct)> newer = goingOld ? ours : theirs;
            int at = newer.FindIndex(f => f.Name == split.Parts[0].Name);
            if (at >= 0 && at + split.Parts.Count <= newer.Count
                && split.Parts.Select((p, k) => newer[at + k].Name == p.Name && newer[at + k].Size == p.Size).All(b => b))
            {
                newer.RemoveRange(at, split.Parts.Count);
                newer.Insert(at, (split.OldName, split.Size, null));
                device._splits.Add((split, goingOld));
            }
        }

        for (int i = 0; i < Math.Max(ours.Count, theirs.Count); i++)
        {
            if (i >= ours.Count)
            {
                device._problems.Add($"field {path}.{theirs[i].Name}: only the target has it");
                continue;
            }

            if (i >= theirs.Count)
            {
                device._problems.Add($"field {path}.{ours[i].Name}: only the source has it");
                continue;
            }

            (string name, long size, DumpDescription? nested) = ours[i];
            if (name != theirs[i].Name)
            {
                // One line for the rest: after a field inserted or removed, every later place differs too.
                var left = ours.Skip(i).Select(f => f.Name).ToList();
                var right = theirs.Skip(i).Select(f => f.Name).ToList();
                string onlyOurs = string.Join(", ", left.Except(right, StringComparer.Ordinal));
                string onlyTheirs = string.Join(", ", right.Except(left, StringComparer.Ordinal));
                device._problems.Add($"field {path}.{name}: the fields differ from here on (the target has {theirs[i].Name} in its place"
                    + (onlyOurs.Length > 0 ? $"; only the source has {onlyOurs}" : "")
                    + (onlyTheirs.Length > 0 ? $"; only the target has {onlyTheirs}" : "")
                    + ")");
                break;
            }
            else if (nested is not null && theirs[i].Struct is { } other)
            {
                // A struct's size is C's sizeof, which may differ with the same wire bytes: compare what it holds.
                Compare(device, nested, other, nested.Version, [], [], goingOld, path + "." + name);
            }
            else if ((nested is null) != (theirs[i].Struct is null) || (nested is null && size != theirs[i].Size))
            {
                device._problems.Add(string.Create(CultureInfo.InvariantCulture, $"field {path}.{name}: {size} bytes in the source, {theirs[i].Size} in the target"));
            }
        }

        foreach (DumpDescription sub in source.Subsections)
        {
            DumpDescription? other = target.Subsections.FirstOrDefault(s => s.Name == sub.Name);
            if (other is null)
            {
                device._dropped.Add(sub.Name);
            }
            else
            {
                if (sub.Version < other.MinimumVersion || sub.Version > other.Version)
                {
                    device._problems.Add(string.Create(CultureInfo.InvariantCulture, $"subsection {sub.Name}: version {sub.Version} in the source, the target loads {other.MinimumVersion}..{other.Version}"));
                }

                Compare(device, sub, other, sub.Version, renames, splits, goingOld, sub.Name);
            }
        }

        foreach (DumpDescription sub in target.Subsections.Where(t => !source.Subsections.Any(s => s.Name == t.Name)))
        {
            device._new.Add(sub.Name);
        }
    }
}
