using System.Buffers;
using VmState.Description;
using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// One registered section: a described device (saved as a FULL section) or a live handler (START/PART/END).
/// Identified on the wire by <see cref="IdStr"/> and <see cref="InstanceId"/>.
/// </summary>
public abstract class SectionEntry
{
    private protected SectionEntry(string idStr, int instanceId, int version, MigrationPriority priority)
    {
        IdStr = idStr;
        InstanceId = instanceId;
        Version = version;
        Priority = priority;
    }

    /// <summary>The section's id string (<c>ram</c>, <c>0000:00:03.0/e1000</c>).</summary>
    public string IdStr { get; }

    /// <summary>Instance number among sections with the same id string.</summary>
    public int InstanceId { get; }

    /// <summary>Another instance number the loader also accepts (QEMU's <c>alias_id</c>); -1 for none.</summary>
    public int AliasId { get; internal init; } = -1;

    /// <summary>The id string without the device path (QEMU's <c>compat</c> name), accepted on load; null for none.</summary>
    public string? CompatIdStr { get; internal init; }

    /// <summary>The instance number under <see cref="CompatIdStr"/>.</summary>
    public int CompatInstanceId { get; internal init; }

    /// <summary>Global section number, assigned in registration order from 1 (QEMU's <c>section_id</c>).</summary>
    public int SectionId { get; internal set; }

    /// <summary>Version written in the section header; the highest version the loader accepts.</summary>
    public int Version { get; }

    /// <summary>Save order: higher first, registration order within one priority.</summary>
    public MigrationPriority Priority { get; }

    /// <summary>True for START/PART/END sections.</summary>
    public abstract bool IsLive { get; }

    /// <summary>Saved as a FULL section in the setup phase, before live sections (QEMU's <c>early_setup</c>).</summary>
    public virtual bool IsEarlySetup => false;

    /// <summary>Refuses migration while registered (QEMU's <c>unmigratable</c>).</summary>
    public virtual bool IsUnmigratable => false;

    /// <summary>The device or handler registered.</summary>
    public abstract object Target { get; }

    /// <summary>The description name for a device; null for a live handler.</summary>
    public virtual string? VmsdName => null;

    internal bool Matches(string idStr, int instanceId) =>
        (string.Equals(idStr, IdStr, StringComparison.Ordinal) && (instanceId == InstanceId || instanceId == AliasId))
        || (CompatIdStr is not null && string.Equals(idStr, CompatIdStr, StringComparison.Ordinal) && instanceId == CompatInstanceId);

    /// <inheritdoc/>
    public override string ToString() => IdStr + " (" + InstanceId + ")";
}

/// <summary>A device described by <see cref="VmStateAttribute"/>, saved as one FULL section.</summary>
internal abstract class DeviceSectionEntry : SectionEntry
{
    private protected DeviceSectionEntry(string idStr, int instanceId, VmStateDescription description)
        : base(idStr, instanceId, description.Version, description.Priority)
    {
        Description = description;
    }

    public VmStateDescription Description { get; }

    public override bool IsLive => false;

    public override bool IsEarlySetup => Description.EarlySetup;

    public override bool IsUnmigratable => Description.Unmigratable;

    public override string VmsdName => Description.Name;

    public abstract bool IsNeeded();

    public abstract void Save(ref VmStateWriter writer);

    public abstract void Load(ref VmStateReader reader, int versionId);

    public abstract void Describe(VmDescriptionWriter json);

    /// <summary>Takes the rollback snapshot, once per load transaction.</summary>
    public abstract void LoadSetup();

    public abstract void LoadCommit();

    public abstract void LoadRollback();
}

internal sealed class DeviceSectionEntry<T> : DeviceSectionEntry
    where T : class, IVmStateObject
{
    private readonly T _device;
    private ArrayBufferWriter<byte>? _snapshot;

    public DeviceSectionEntry(T device, string idStr, int instanceId)
        : base(idStr, instanceId, T.VmStateDescription)
    {
        _device = device;
    }

    public override object Target => _device;

    public override bool IsNeeded() => _device.IsVmStateNeeded();

    public override void Save(ref VmStateWriter writer)
    {
        try
        {
            _device.SaveVmState(ref writer);
        }
        catch (VmStateException e) when (e.InDescription(Description.Name))
        {
        }
    }

    public override void Load(ref VmStateReader reader, int versionId) => VmStateSerializer.Load(_device, ref reader, versionId);

    public override void Describe(VmDescriptionWriter json) => _device.DescribeVmState(json);

    public override void LoadSetup()
    {
        if (_snapshot is not null)
        {
            return;
        }

        // Every subsection goes into the snapshot, so that reloading it restores fields the stream may have set.
        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output) { SaveAllSubsections = true };
        _device.SaveVmState(ref writer);
        writer.Flush();
        _snapshot = output;
    }

    public override void LoadCommit() => _snapshot = null;

    public override void LoadRollback()
    {
        if (_snapshot is null)
        {
            return;
        }

        var reader = new VmStateReader(_snapshot.WrittenSpan);
        _device.LoadVmState(ref reader, Description.Version);
        _snapshot = null;
    }
}

/// <summary>A live handler's entry.</summary>
internal sealed class LiveSectionEntry : SectionEntry
{
    public LiveSectionEntry(LiveSectionHandler handler, string idStr, int instanceId, int version, MigrationPriority priority)
        : base(idStr, instanceId, version, priority)
    {
        Handler = handler;
    }

    public LiveSectionHandler Handler { get; }

    public override bool IsLive => true;

    public override object Target => Handler;
}
