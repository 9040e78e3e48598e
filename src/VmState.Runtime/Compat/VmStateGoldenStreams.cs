using System.Globalization;
using VmState.Analysis;
using VmState.Description;
using VmState.Wire;

namespace VmState.Compat;

/// <summary>
/// Golden streams: a device's saved state recorded once per shipped version and loaded into the current code on
/// every test run, so that "old streams keep loading" is proved by a test rather than by an old binary.
/// <see cref="Record"/> writes <c>&lt;directory&gt;/&lt;description name&gt;/v&lt;version&gt;.bin</c> (the body as
/// <see cref="VmStateSerializer"/> saves it) and <c>v&lt;version&gt;.json</c> (that body's layout and values);
/// <see cref="AssertLoad"/> loads every recorded version into a fresh instance and compares field by field.
/// </summary>
public static class VmStateGoldenStreams
{
    /// <summary>
    /// The environment variable that asks a test to record: <c>VMSTATE_RECORD_GOLDEN=1 dotnet test</c>. See
    /// <see cref="RecordingRequested"/>.
    /// </summary>
    public const string RecordVariable = "VMSTATE_RECORD_GOLDEN";

    /// <summary>
    /// True when <see cref="RecordVariable"/> is <c>1</c> or <c>true</c>: a test then calls <see cref="Record"/> before
    /// <see cref="AssertLoad"/>. Recording only adds the current version's stream; it never rewrites a recorded one.
    /// </summary>
    public static bool RecordingRequested =>
        Environment.GetEnvironmentVariable(RecordVariable) is { } v
        && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Records <paramref name="device"/>'s state at its current version under
    /// <c><paramref name="directory"/>/<paramref name="name"/>/</c>. A stream already recorded for that version is
    /// left alone when it has the same bytes; with other bytes recording fails, because a shipped golden stream is
    /// never rewritten: the wire format changed without a version bump (or the recorded state is not the one it was
    /// recorded from).
    /// </summary>
    /// <typeparam name="T">The described type.</typeparam>
    /// <param name="directory">The golden streams' folder (in the source tree, so that the files are checked in).</param>
    /// <param name="device">The device, in a deterministic state that is not all defaults.</param>
    /// <param name="name">The folder name; the description's name when null.</param>
    /// <returns>Whether files were written.</returns>
    /// <exception cref="VmStateGoldenStreamException">Another stream is recorded for this version, or a file of the pair is in the way.</exception>
    /// <exception cref="VmStateSaveException">The device cannot be saved.</exception>
    public static GoldenStreamRecordResult Record<T>(string directory, T device, string? name = null)
        where T : IVmStateObject
    {
        ArgumentNullException.ThrowIfNull(device);
        VmStateDescription d = T.VmStateDescription;
        string folder = GoldenStreamFiles.Folder(directory, name ?? d.Name);
        byte[] body = VmStateSerializer.Save(device);
        AnalysisObject description = GoldenStreamValues.Describe(device);
        AnalysisObject state = GoldenStreamValues.Decode(body, description);

        string bin = GoldenStreamFiles.BinPath(folder, d.Version);
        string json = GoldenStreamFiles.JsonPath(folder, d.Version);
        if (File.Exists(bin))
        {
            if (File.ReadAllBytes(bin).AsSpan().SequenceEqual(body))
            {
                return GoldenStreamRecordResult.AlreadyRecorded;
            }

            throw new VmStateGoldenStreamException(bin, d.Version,
                string.Create(CultureInfo.InvariantCulture, $"A different stream is already recorded for version {d.Version} of '{d.Name}'")
                + ": a recorded (shipped) stream is never rewritten. If the wire format changed, raise Version and record the new one; "
                + "if the state you record from changed, record it as it was; if this version never shipped, delete both files and record again")
            {
                Description = d.Name,
            };
        }

        if (File.Exists(json))
        {
            throw new VmStateGoldenStreamException(json, d.Version, "A description is recorded without its stream: delete it or restore the stream next to it");
        }

        Directory.CreateDirectory(folder);
        GoldenStreamFiles.WriteNew(json, GoldenStreamFiles.Utf8(GoldenStreamFiles.JsonText(d.Name, d.Version, body, description, state)));
        GoldenStreamFiles.WriteNew(bin, body);
        return GoldenStreamRecordResult.Written;
    }

    /// <summary>
    /// Loads every stream recorded under <c><paramref name="directory"/>/<paramref name="name"/>/</c> into a new
    /// instance from <paramref name="create"/>, at the version it was recorded at, saves it again, and compares both
    /// bodies field by field, each decoded by its own layout: every field the old stream carried that the current
    /// code still sends must hold the value it had; a field the old stream lacked must hold what a fresh instance
    /// holds or its declared <c>Default</c> (anything else came from the old bytes: a moved or renamed field; a rename
    /// recorded with <c>FormerName</c> is compared under its new name). A field the current code no longer sends (dropped as <c>[Unused]</c>, or in a subsection that is no
    /// longer needed) is not compared. Streams of versions below the current <c>MinimumVersion</c> are skipped and
    /// reported.
    /// </summary>
    /// <typeparam name="T">The described type.</typeparam>
    /// <param name="directory">The golden streams' folder.</param>
    /// <param name="create">A fresh instance, as a destination has it before a load.</param>
    /// <param name="name">The folder name; the description's name when null.</param>
    /// <returns>What was checked.</returns>
    /// <exception cref="VmStateGoldenStreamException">
    /// No stream is recorded, a stream does not load, a value differs (naming file, version, field path, both
    /// values), or a file is unreadable (naming the file and, for a stream, the offset).
    /// </exception>
    public static GoldenStreamReport AssertLoad<T>(string directory, Func<T> create, string? name = null)
        where T : class, IVmStateObject
    {
        ArgumentNullException.ThrowIfNull(create);
        VmStateDescription d = T.VmStateDescription;
        string folder = GoldenStreamFiles.Folder(directory, name ?? d.Name);
        List<int> versions = GoldenStreamFiles.Versions(folder);
        if (versions.Count == 0)
        {
            throw new VmStateGoldenStreamException(folder, -1,
                $"No golden stream of '{d.Name}' is recorded here: record the shipped version with {RecordVariable}=1 (see {nameof(VmStateGoldenStreams)}.{nameof(Record)})")
            {
                Description = d.Name,
            };
        }

        var loaded = new List<int>();
        var skipped = new List<int>();
        int compared = 0;
        foreach (int version in versions)
        {
            if (version < d.MinimumVersion)
            {
                skipped.Add(version);
                continue;
            }

            compared += GoldenStreamCheck.Run(folder, version, create);
            loaded.Add(version);
        }

        return new GoldenStreamReport(d.Name, folder, loaded, skipped, compared, versions.Contains(d.Version));
    }
}
