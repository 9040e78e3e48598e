using VmState.Description;
using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// The sections a machine migrates (QEMU's <c>savevm_state.handlers</c>): described devices and live handlers, each
/// under an id string and instance number, kept in save order (priority, higher first; registration order within one
/// priority). Not thread-safe: register and unregister while no migration runs.
/// </summary>
public sealed class VmStateRegistry
{
    /// <summary>Pass as an instance id to take the next free number for the id string, as QEMU does.</summary>
    public const int AnyInstance = -1;

    /// <summary>Pass as a section id to take the next number after every one given so far.</summary>
    public const int AnySection = -1;

    private const int MaxIdStrLength = 255;

    private readonly List<SectionEntry> _entries = [];
    // Section ids start at 1: QEMU routes PART/END by the id each entry last loaded with, and an entry that has not
    // loaded anything has 0 there, so a live section numbered 0 would be routed to some other device.
    private int _nextSectionId = 1;

    /// <summary>The entries in save order.</summary>
    public IReadOnlyList<SectionEntry> Entries => _entries;

    /// <summary>
    /// Registers a described device. Its id string is its description name, or <c>devicePath/name</c> when a device
    /// path is given (then the bare name stays accepted on load, as QEMU's compat id).
    /// </summary>
    /// <param name="device">The device.</param>
    /// <param name="instanceId">Its instance number, or <see cref="AnyInstance"/> for the next free one.</param>
    /// <param name="devicePath">The device path (a PCI address) that prefixes its id string; null for none.</param>
    /// <param name="aliasId">Another instance number the loader accepts; -1 for none.</param>
    /// <param name="sectionId">Its section number on the wire, or <see cref="AnySection"/> for the next one. A machine
    /// that must save exactly what QEMU saves gives QEMU's numbers (QEMU counts every registration, including
    /// sections that never reach the stream).</param>
    /// <exception cref="ArgumentException">The id string is too long, or the id string and instance or the section id are taken.</exception>
    public SectionEntry Register<T>(T device, int instanceId = AnyInstance, string? devicePath = null, int aliasId = -1, int sectionId = AnySection)
        where T : class, IVmStateObject
    {
        ArgumentNullException.ThrowIfNull(device);
        string name = T.VmStateDescription.Name;
        string idStr = string.IsNullOrEmpty(devicePath) ? name : devicePath + "/" + name;
        CheckIdStr(idStr);
        if (ContainsTarget(device))
        {
            throw new ArgumentException($"This {name} instance is already registered", nameof(device));
        }

        bool hasPath = !string.IsNullOrEmpty(devicePath);

        // With a device path the path tells instances apart, so QEMU numbers them afresh under the path.
        int instance = hasPath || instanceId == AnyInstance ? NextInstanceId(idStr) : instanceId;
        var entry = new DeviceSectionEntry<T>(device, idStr, instance)
        {
            AliasId = aliasId,
            CompatIdStr = hasPath ? name : null,
            CompatInstanceId = hasPath ? NextCompatInstanceId(name) : 0,
        };
        Add(entry, sectionId);
        return entry;
    }

    /// <summary>
    /// Registers a section written by hand-written code (QEMU's old-style handlers) under <paramref name="idStr"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The id string is too long, or the id string and instance or the section id are taken.</exception>
    public SectionEntry RegisterState(string idStr, StateSectionHandler handler, int version, int instanceId = AnyInstance, int sectionId = AnySection)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(idStr);
        CheckIdStr(idStr);
        if (ContainsTarget(handler))
        {
            throw new ArgumentException("This handler is already registered", nameof(handler));
        }

        var entry = new StateSectionEntry(handler, idStr, instanceId == AnyInstance ? NextInstanceId(idStr) : instanceId, version);
        Add(entry, sectionId);
        return entry;
    }

    /// <summary>Registers a live handler (START/PART/END sections) under <paramref name="idStr"/>.</summary>
    /// <exception cref="ArgumentException">The id string is too long, or the id string and instance are taken.</exception>
    public SectionEntry RegisterLive(
        string idStr,
        LiveSectionHandler handler,
        int version,
        int instanceId = AnyInstance,
        MigrationPriority priority = MigrationPriority.Default,
        int sectionId = AnySection)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(idStr);
        CheckIdStr(idStr);
        if (ContainsTarget(handler))
        {
            throw new ArgumentException($"This handler is already registered", nameof(handler));
        }

        int instance = instanceId == AnyInstance ? NextInstanceId(idStr) : instanceId;
        var entry = new LiveSectionEntry(handler, idStr, instance, version, priority);
        Add(entry, sectionId);
        return entry;
    }

    /// <summary>Removes the entry of a device or handler (or the entry itself). False when not registered.</summary>
    public bool Unregister(object deviceOrHandlerOrEntry)
    {
        int index = _entries.FindIndex(e => ReferenceEquals(e, deviceOrHandlerOrEntry) || ReferenceEquals(e.Target, deviceOrHandlerOrEntry));
        if (index < 0)
        {
            return false;
        }

        _entries.RemoveAt(index);
        return true;
    }

    /// <summary>The entry the loader routes a START/FULL section with this id string and instance to; null if none.</summary>
    public SectionEntry? Find(string idStr, int instanceId)
    {
        foreach (SectionEntry e in _entries)
        {
            if (e.Matches(idStr, instanceId))
            {
                return e;
            }
        }

        return null;
    }

    private void Add(SectionEntry entry, int sectionId)
    {
        if (Find(entry.IdStr, entry.InstanceId) is { } taken)
        {
            throw new ArgumentException($"Section '{entry.IdStr}' instance {entry.InstanceId} is already registered ({taken})");
        }

        if (sectionId != AnySection)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(sectionId);
            if (_entries.Find(e => e.SectionId == sectionId) is { } other)
            {
                throw new ArgumentException($"Section id {sectionId} is already {other}'s", nameof(sectionId));
            }
        }

        entry.SectionId = sectionId == AnySection ? _nextSectionId : sectionId;
        _nextSectionId = Math.Max(_nextSectionId, entry.SectionId + 1);

        // Insert after every entry of the same or higher priority: sorted, stable.
        int at = _entries.FindIndex(e => e.Priority < entry.Priority);
        _entries.Insert(at < 0 ? _entries.Count : at, entry);
    }

    private int NextInstanceId(string idStr)
    {
        int next = 0;
        foreach (SectionEntry e in _entries)
        {
            if (string.Equals(e.IdStr, idStr, StringComparison.Ordinal) && e.InstanceId >= next)
            {
                next = e.InstanceId + 1;
            }
        }

        return next;
    }

    private int NextCompatInstanceId(string compat)
    {
        int next = 0;
        foreach (SectionEntry e in _entries)
        {
            if (string.Equals(e.CompatIdStr, compat, StringComparison.Ordinal) && e.CompatInstanceId >= next)
            {
                next = e.CompatInstanceId + 1;
            }
        }

        return next;
    }

    private bool ContainsTarget(object target) => _entries.Exists(e => ReferenceEquals(e.Target, target));

    private static void CheckIdStr(string idStr)
    {
        if (idStr.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(idStr) > MaxIdStrLength)
        {
            throw new ArgumentException($"Section id string '{idStr}' must be 1 to {MaxIdStrLength} bytes", nameof(idStr));
        }
    }

    /// <summary>
    /// Saves every device and loads that state back into it, then rolls the load back, so nothing changes. Run ahead
    /// of a migration (both sides): a device that cannot save or load its own state is found while the guest still
    /// runs, and the save and load code is compiled before the guest stops, so the switch does not pay for it
    /// (tens of milliseconds for large devices, against a postcopy pause of a few).
    /// </summary>
    /// <exception cref="VmStateException">A device failed to save or to load its own state; it is as it was.</exception>
    public void RehearseDevices()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (SectionEntry entry in Entries)
        {
            if (entry is not DeviceSectionEntry device || device.IsUnmigratable)
            {
                continue;
            }

            // As a migration saves it (the subsections' Needed tests run), then with every subsection, for the load.
            buffer.ResetWrittenCount();
            var needed = new VmStateWriter(buffer);
            device.Save(ref needed);
            needed.Flush();
            buffer.ResetWrittenCount();
            var writer = new VmStateWriter(buffer) { SaveAllSubsections = true };
            device.Save(ref writer);
            writer.Flush();
            device.LoadSetup();
            try
            {
                var reader = new VmStateReader(buffer.WrittenSpan);
                device.Load(ref reader, device.Version);
            }
            finally
            {
                device.LoadRollback();
            }
        }
    }
}
