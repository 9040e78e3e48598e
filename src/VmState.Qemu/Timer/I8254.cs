using VmState.Description;

namespace VmState.Qemu.Timer;

/// <summary>
/// QEMU 7.2's 8254 interval timer (<c>hw/timer/i8254_common.c</c>), listed in the dump under the emulated, the KVM
/// and the common device type.
/// </summary>
[VmState("i8254", Version = 3, MinimumVersion = 2, DeviceTypes = ["isa-pit", "kvm-pit", "pit-common"])]
public sealed partial class I8254
{
    // Two members of channel 0 travel outside the channel description, one before and one after the array.
    /// <summary>The three counters.</summary>
    [VmStateField("channels[0].irq_disabled", Path = "[0].IrqDisabled", Since = 3)]
    [VmStateField("channels", Length = 3, Since = 2)]
    [VmStateField("channels[0].next_transition_time", Path = "[0].NextTransitionTime")]
    public I8254Channel[] Channels = [new(), new(), new()];
}

/// <summary>One counter of the 8254 (C sizeof 56).</summary>
[VmState("pit channel", Version = 2, MinimumVersion = 2, DumpSize = 56)]
public sealed partial class I8254Channel
{
    /// <summary>Initial count (0 means 0x10000).</summary>
    [VmStateField("count")] public int Count;
    /// <summary>Count latched by a latch command.</summary>
    [VmStateField("latched_count")] public ushort LatchedCount;
    /// <summary>Which bytes of the latched count are still to be read.</summary>
    [VmStateField("count_latched")] public byte CountLatched;
    /// <summary>A status byte is latched.</summary>
    [VmStateField("status_latched")] public byte StatusLatched;
    /// <summary>The latched status byte.</summary>
    [VmStateField("status")] public byte Status;
    /// <summary>Read byte sequencing state.</summary>
    [VmStateField("read_state")] public byte ReadState;
    /// <summary>Write byte sequencing state.</summary>
    [VmStateField("write_state")] public byte WriteState;
    /// <summary>Low byte held until the high byte of a word write.</summary>
    [VmStateField("write_latch")] public byte WriteLatch;
    /// <summary>Read/write mode (LSB, MSB, both).</summary>
    [VmStateField("rw_mode")] public byte RwMode;
    /// <summary>Counting mode 0-5.</summary>
    [VmStateField("mode")] public byte Mode;
    /// <summary>BCD counting.</summary>
    [VmStateField("bcd")] public byte Bcd;
    /// <summary>Gate input level.</summary>
    [VmStateField("gate")] public byte Gate;
    /// <summary>Virtual-clock time the count was loaded (ns).</summary>
    [VmStateField("count_load_time")] public long CountLoadTime;
    /// <summary>Virtual-clock time of the next output change (ns).</summary>
    [VmStateField("next_transition_time")] public long NextTransitionTime;

    /// <summary>The output interrupt is masked (migrated by the 8254 itself, for channel 0 only).</summary>
    public uint IrqDisabled;
}
