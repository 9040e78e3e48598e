using System.Text.Json;
using VmState.Wire;

namespace VmState.Analysis;

/// <summary>One description of a <c>-dump-vmstate</c> file: a device's or a subsection's.</summary>
/// <param name="Name">Its vmsd name (<c>hpet</c>, <c>i8259/ltim</c>).</param>
/// <param name="Version">Its <c>version_id</c>.</param>
/// <param name="MinimumVersion">Its <c>minimum_version_id</c>: the oldest stream version it loads.</param>
/// <param name="Fields">Its fields in wire order.</param>
/// <param name="Subsections">Its subsections.</param>
public sealed record DumpDescription(string Name, int Version, int MinimumVersion, IReadOnlyList<DumpField> Fields, IReadOnlyList<DumpDescription> Subsections);

/// <summary>One field of a <see cref="DumpDescription"/>.</summary>
/// <param name="Name">Its name.</param>
/// <param name="VersionId">The version it appeared in (0: always there).</param>
/// <param name="Size">Bytes of one element (for a struct, QEMU's C <c>sizeof</c>, not its wire size).</param>
/// <param name="Struct">The nested description of a struct field, else null.</param>
public sealed record DumpField(string Name, int VersionId, long Size, DumpDescription? Struct);

/// <summary>
/// A QEMU release's descriptions, read from its <c>-dump-vmstate</c> file: each vmsd name (a device's section
/// description, as a stream's VMDESCRIPTION names it) with its fields, versions and subsections. The rules of
/// <see cref="ConversionPlan"/> come from two of these.
/// </summary>
public sealed class DescriptionSet
{
    private readonly Dictionary<string, DumpDescription> _byName;
    private readonly Dictionary<string, List<DumpDescription>> _variants;
    private readonly Dictionary<DumpDescription, List<string>> _types = new(ReferenceEqualityComparer.Instance);

    private DescriptionSet(string release, string machine, Dictionary<string, DumpDescription> byName, Dictionary<string, List<DumpDescription>> variants)
    {
        Release = release;
        Machine = machine;
        _byName = byName;
        _variants = variants;
    }

    /// <summary>The release the set describes (<c>7.2</c>, <c>10.0</c>).</summary>
    public string Release { get; }

    /// <summary>The dump's <c>vmschkmachine</c> machine type.</summary>
    public string Machine { get; }

    /// <summary>Every description, by vmsd name (the first of those sharing a name).</summary>
    public IReadOnlyDictionary<string, DumpDescription> Descriptions => _byName;

    /// <summary>Every distinct description, those sharing a vmsd name too, with the device types that use it.</summary>
    public IEnumerable<(DumpDescription Description, IReadOnlyList<string> DeviceTypes)> Variants =>
        _variants.Values.SelectMany(v => v).Select(d => (d, (IReadOnlyList<string>)(_types.GetValueOrDefault(d) ?? [])));

    /// <summary>The (first) description named <paramref name="vmsdName"/>, or null.</summary>
    public DumpDescription? Find(string vmsdName) => _byName.GetValueOrDefault(vmsdName);

    /// <summary>
    /// The description named <paramref name="vmsdName"/> whose top-level fields are most like
    /// <paramref name="fieldNames"/> (a stream's VMDESCRIPTION entry): device types may share a vmsd name with other
    /// fields (isa-serial's <c>serial</c> holds a struct <c>state</c>, serial-mm's another shape). Null when none.
    /// </summary>
    public DumpDescription? Find(string vmsdName, IReadOnlyCollection<string> fieldNames)
    {
        ArgumentNullException.ThrowIfNull(fieldNames);
        if (!_variants.TryGetValue(vmsdName, out List<DumpDescription>? variants))
        {
            return null;
        }

        return variants.Count == 1 ? variants[0] : variants.MaxBy(v =>
        {
            var names = v.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            return fieldNames.Count(names.Contains) - fieldNames.Count(n => !names.Contains(n));
        });
    }

    /// <summary>
    /// This set with <paramref name="more"/> added where it has no description of their name (QEMU's dump lists device
    /// types only, so a machine's other sections, <c>timer</c> or <c>globalstate</c>, come from elsewhere).
    /// </summary>
    public DescriptionSet With(IEnumerable<DumpDescription> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var byName = new Dictionary<string, DumpDescription>(_byName, StringComparer.Ordinal);
        var variants = _variants.ToDictionary(v => v.Key, v => new List<DumpDescription>(v.Value), StringComparer.Ordinal);
        foreach (DumpDescription d in more)
        {
            if (byName.TryAdd(d.Name, d))
            {
                variants[d.Name] = [d];
            }
        }

        var set = new DescriptionSet(Release, Machine, byName, variants);
        foreach ((DumpDescription d, List<string> types) in _types)
        {
            set._types[d] = types;
        }

        return set;
    }

    /// <summary>This set as the descriptions of <paramref name="release"/> (a dump whose release is known only once its machine type is read).</summary>
    public DescriptionSet AsRelease(string release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var set = new DescriptionSet(release, Machine, _byName, _variants);
        foreach ((DumpDescription d, List<string> types) in _types)
        {
            set._types[d] = types;
        }

        return set;
    }

    /// <summary>Reads a <c>-dump-vmstate</c> file's text (QEMU's shape: device types, each with its <c>Description</c>).</summary>
    /// <exception cref="VmStateLoadException">The text is not such a dump.</exception>
    public static DescriptionSet Parse(string json, string release)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(release);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var byName = new Dictionary<string, DumpDescription>(StringComparer.Ordinal);
            var variants = new Dictionary<string, List<DumpDescription>>(StringComparer.Ordinal);
            var types = new List<(DumpDescription, string)>();
            string machine = "";
            foreach (JsonProperty device in doc.RootElement.EnumerateObject())
            {
                if (device.Name == "vmschkmachine")
                {
                    machine = device.Value.TryGetProperty("Name", out JsonElement m) ? m.GetString() ?? "" : "";
                    continue;
                }

                if (device.Value.TryGetProperty("Description", out JsonElement d))
                {
                    DumpDescription description = Read(d);
                    byName.TryAdd(description.Name, description);
                    List<DumpDescription> list = variants.TryGetValue(description.Name, out List<DumpDescription>? l) ? l : variants[description.Name] = [];
                    string shape = Shape(description);
                    DumpDescription? same = list.Find(v => Shape(v) == shape);
                    if (same is null)
                    {
                        list.Add(description);
                    }

                    types.Add((same ?? description, device.Name));
                }
            }

            var set = new DescriptionSet(release, machine, byName, variants);
            foreach ((DumpDescription d, string type) in types)
            {
                (set._types.TryGetValue(d, out List<string>? list) ? list : set._types[d] = []).Add(type);
            }

            return set;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new VmStateLoadException($"QEMU {release}'s descriptions are not a -dump-vmstate file: {PrintableText.OneLine(e.Message)}", -1, e);
        }
    }

    // Names of the fields, nested ones too: what tells two same-named descriptions apart.
    private static string Shape(DumpDescription d) =>
        string.Join(",", d.Fields.Select(f => f.Struct is null ? f.Name : f.Name + "{" + Shape(f.Struct) + "}"));

    private static DumpDescription Read(JsonElement d)
    {
        var fields = new List<DumpField>();
        if (d.TryGetProperty("Fields", out JsonElement fs))
        {
            foreach (JsonElement f in fs.EnumerateArray())
            {
                fields.Add(new DumpField(
                    f.GetProperty("field").GetString()!,
                    f.GetProperty("version_id").GetInt32(),
                    f.GetProperty("size").GetInt64(),
                    f.TryGetProperty("Description", out JsonElement nested) ? Read(nested) : null));
            }
        }

        var subsections = new List<DumpDescription>();
        if (d.TryGetProperty("Subsections", out JsonElement ss))
        {
            foreach (JsonElement s in ss.EnumerateArray())
            {
                subsections.Add(Read(s));
            }
        }

        return new DumpDescription(
            d.GetProperty("name").GetString()!,
            d.GetProperty("version_id").GetInt32(),
            d.GetProperty("minimum_version_id").GetInt32(),
            fields,
            subsections);
    }
}
