using VmState.Analysis;
using VmState.Qemu.Machines;

namespace VmState.Qemu.Releases;

/// <summary>
/// A QEMU release whose streams the library reads and writes: its version, its machine types, what its stream writer
/// adds, and its descriptions (its own <c>-dump-vmstate</c>, embedded). Between two releases, the rules of a
/// conversion come from their descriptions plus the mappings declared in <see cref="QemuReleaseMappings"/>.
/// </summary>
public sealed class QemuRelease
{
    private readonly Lazy<DescriptionSet> _descriptions;

    private QemuRelease(string version, int major, int minor, bool describesConfiguration)
    {
        Version = version;
        Major = major;
        Minor = minor;
        DescribesConfiguration = describesConfiguration;
        _descriptions = new Lazy<DescriptionSet>(() => Load(version));
    }

    /// <summary>QEMU 7.2 (Debian 12's).</summary>
    public static QemuRelease Qemu72 { get; } = new("7.2", 7, 2, describesConfiguration: false);

    /// <summary>QEMU 10.0 (Debian 13's).</summary>
    public static QemuRelease Qemu100 { get; } = new("10.0", 10, 0, describesConfiguration: true);

    /// <summary>The releases the library knows, oldest first.</summary>
    public static IReadOnlyList<QemuRelease> All { get; } = [Qemu72, Qemu100];

    /// <summary>"7.2", "10.0".</summary>
    public string Version { get; }

    /// <summary>The major version.</summary>
    public int Major { get; }

    /// <summary>The minor version.</summary>
    public int Minor { get; }

    /// <summary>Its VMDESCRIPTION begins with the configuration section's description (QEMU 8.2 and later).</summary>
    public bool DescribesConfiguration { get; }

    /// <summary>Its descriptions: every device type's, from its <c>-dump-vmstate</c>.</summary>
    public DescriptionSet Descriptions => _descriptions.Value;

    /// <summary>The release of <paramref name="version"/> ("7.2", "10.0"), or null.</summary>
    public static QemuRelease? Find(string? version) => All.FirstOrDefault(r => r.Version == version);

    /// <summary>
    /// The release whose descriptions a stream's VMDESCRIPTION was written with: 10.0 when it describes the
    /// configuration section (QEMU 8.2 and later), else 7.2 (and the library's own snapshots, written as 7.2's).
    /// </summary>
    public static QemuRelease WriterOf(AnalysisObject vmDescription)
    {
        ArgumentNullException.ThrowIfNull(vmDescription);
        return vmDescription["configuration"] is AnalysisObject ? Qemu100 : Qemu72;
    }

    /// <summary>This release's machine type of <paramref name="kind"/>: <c>pc-i440fx-7.2</c>, <c>pc-q35-10.0</c>.</summary>
    public string MachineType(QemuMachineKind kind) => (kind == QemuMachineKind.Q35 ? "pc-q35-" : "pc-i440fx-") + Version;

    /// <summary>
    /// Whether this release sends SWITCHOVER_START (before its sections' completion) for <paramref name="machineType"/>:
    /// QEMU 10.0 does for its 10.0 machine types and not for older ones, which keep the older streams.
    /// </summary>
    public bool SendsSwitchoverStart(string machineType) =>
        Major >= 10 && MachineTypeVersion(machineType) is (int major, _) && major >= 10;

    /// <summary>The version a versioned machine type names (<c>pc-q35-10.0</c>: 10, 0), or null.</summary>
    public static (int Major, int Minor)? MachineTypeVersion(string machineType)
    {
        ArgumentNullException.ThrowIfNull(machineType);
        int dash = machineType.LastIndexOf('-');
        string[] parts = machineType[(dash + 1)..].Split('.');
        return dash > 0 && parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int major)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int minor)
            ? (major, minor)
            : null;
    }

    /// <summary>The plan for converting streams of this release's descriptions to <paramref name="target"/>'s.</summary>
    public ConversionPlan PlanTo(QemuRelease target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ConversionPlan.Between(Descriptions, target.Descriptions, QemuReleaseMappings.Between(this, target));
    }

    /// <inheritdoc/>
    public override string ToString() => "QEMU " + Version;

    // The release's dump, and for the sections it does not list (no device type: timer, cpu, globalstate, ...) the
    // library's own descriptions, which are 7.2's, moved to this release by the declared mappings.
    private static DescriptionSet Load(string version)
    {
        string name = $"qemu-{version}.vmstate.json";
        using Stream stream = typeof(QemuRelease).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The library was built without {name}");
        using var reader = new StreamReader(stream);
        return (Find(version) ?? throw new InvalidOperationException("No release " + version)).Complete(DescriptionSet.Parse(reader.ReadToEnd(), version));
    }

    /// <summary>
    /// <paramref name="dump"/> (this release's <c>-dump-vmstate</c>, or any dump of it) with the library's descriptions
    /// of the sections no device type lists (<c>timer</c>, <c>cpu</c>, <c>globalstate</c>, 7.2's <c>ide</c>), as this
    /// release describes them.
    /// </summary>
    public DescriptionSet Complete(DescriptionSet dump)
    {
        ArgumentNullException.ThrowIfNull(dump);
        string libraryJson = VmState.Schema.DumpVmStateWriter.Write(
            "library",
            QemuDeviceCatalog.Names.Select(QemuDeviceCatalog.Find).Select(t => t!.Description).OfType<VmState.Description.VmStateDescription>());
        IEnumerable<DumpDescription> library = DescriptionSet.Parse(libraryJson, "7.2").Descriptions.Values;
        ReleaseMappings? mappings = this == Qemu72 ? null : QemuReleaseMappings.Between(Qemu72, this);
        return dump.With(mappings is null ? library : library.Select(mappings.ToNew));
    }
}
