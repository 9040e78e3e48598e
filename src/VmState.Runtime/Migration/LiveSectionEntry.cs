using VmState.Description;

namespace VmState.Migration;

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
