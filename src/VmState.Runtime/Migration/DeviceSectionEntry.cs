using System.Buffers;
using VmState.Description;
using VmState.Wire;

namespace VmState.Migration;

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

    public override string? VmsdName => Description.Name;

    public abstract bool IsNeeded();

    public abstract void Save(ref VmStateWriter writer);

    public abstract void Load(ref VmStateReader reader, int versionId);

    public abstract void Describe(VmDescriptionWriter json);

    /// <summary>Takes the rollback snapshot, once per load transaction.</summary>
    public abstract void LoadSetup();

    public abstract void LoadCommit();

    public abstract void LoadRollback();
}

/// <summary>The entry of one device of type <typeparamref name="T"/>; its load snapshot is the device's own save.</summary>
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

        var reader = new VmStateReader(_snapshot.WrittenSpan) { Restoring = true };
        _device.LoadVmState(ref reader, Description.Version);
        _snapshot = null;
    }
}
