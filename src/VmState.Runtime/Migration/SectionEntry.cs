using VmState.Description;

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
