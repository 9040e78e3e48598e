using System.Buffers;
using VmState.Description;
using VmState.Wire;

namespace VmState.Migration;

/// <summary>The entry of a <see cref="StateSectionHandler"/>: a FULL section without a description.</summary>
internal sealed class StateSectionEntry : DeviceSectionEntry
{
    private readonly StateSectionHandler _handler;
    private ArrayBufferWriter<byte>? _snapshot;

    public StateSectionEntry(StateSectionHandler handler, string idStr, int instanceId, int version)
        : base(idStr, instanceId, new VmStateDescription { Name = idStr, Version = version, Fields = [] })
    {
        _handler = handler;
    }

    public override object Target => _handler;

    // An old-style section has no vmsd name, in the registry or in the VMDESCRIPTION.
    public override string? VmsdName => null;

    public override bool IsNeeded() => true;

    public override void Save(ref VmStateWriter writer) => _handler.Save(ref writer);

    public override void Load(ref VmStateReader reader, int versionId) => _handler.Load(ref reader, versionId);

    public override void Describe(VmDescriptionWriter json)
    {
        // The size is what a save writes now, as QEMU measures it around save_state.
        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        _handler.Save(ref writer);
        writer.Flush();
        json.Number("size", output.WrittenCount);
        json.BeginArray("fields");
        // QEMU orders this entry's members name, size, type (unlike described fields).
        json.BeginObject();
        json.String("name", "data");
        json.Number("size", output.WrittenCount);
        json.String("type", VmStateTypeNames.Buffer);
        json.EndObject();
        json.EndArray();
    }

    public override void LoadSetup()
    {
        if (_snapshot is not null)
        {
            return;
        }

        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        _handler.Save(ref writer);
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
        _handler.Load(ref reader, Version);
        _snapshot = null;
    }
}
