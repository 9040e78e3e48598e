using VmState.Analysis;

namespace VmState.Qemu.Releases;

/// <summary>
/// The per-field mappings between QEMU releases that their descriptions cannot tell: fields renamed with the same
/// bytes, and fields one release describes as several. Everything else a conversion does is read off the two
/// releases' descriptions.
/// </summary>
public static class QemuReleaseMappings
{
    /// <summary>From 7.2 to 10.0.</summary>
    public static ReleaseMappings From72To100 { get; } = new(
        "7.2",
        "10.0",
        [
            // hw/timer/hpet.c: the migrated count got its own name when the property kept num_timers.
            new FieldRename("hpet", "num_timers", "num_timers_save"),
        ],
        [
            // migration/global_state.c: 9.0 put the suspended flags in the runstate buffer's unused tail, so 7.2
            // reads the same run state and 10.0 sees has_vm_was_suspended 0 (not told) in a 7.2 stream.
            new FieldSplit("globalstate", "runstate", VmState.Description.VmStateTypeNames.Buffer,
            [
                new FieldPart("runstate", VmState.Description.VmStateTypeNames.Buffer, 32, SplitValue.Kept, ZeroGoingNew: false),
                new FieldPart("has_vm_was_suspended", "uint8", 1, SplitValue.Cleared, ZeroGoingNew: true),
                new FieldPart("vm_was_suspended", "uint8", 1, SplitValue.Lost, ZeroGoingNew: true),
                new FieldPart("unused", VmState.Description.VmStateTypeNames.Buffer, 66, SplitValue.Kept, ZeroGoingNew: false),
            ]),
        ]);

    /// <summary>The mappings between two releases (either way round), or null when none are declared.</summary>
    public static ReleaseMappings? Between(QemuRelease a, QemuRelease b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ReleaseMappings m = From72To100;
        return (a.Version, b.Version) == (m.OldRelease, m.NewRelease) || (a.Version, b.Version) == (m.NewRelease, m.OldRelease) ? m : null;
    }
}
