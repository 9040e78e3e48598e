using VmState.Codecs;
using VmState.Description;

namespace VmState.Qemu.Misc;

/// <summary>
/// QEMU 7.2's global virtual-clock state (<c>timer</c>, <c>softmmu/cpu-timers.c</c>), version 2, minimum 1: the
/// guest tick and clock offsets, then the instruction-counting (icount) state, only sent when icount is in use. It
/// belongs to no device type, so the dump has no entry for it.
/// </summary>
[VmState("timer", Version = 2, MinimumVersion = 1)]
[Subsection(Icount, Version = 1)]
[Subsection(WarpTimer, Version = 1, Parent = Icount)]
[Subsection(AdjustTimers, Version = 1, Parent = Icount)]
[Subsection(Shift, Version = 2, MinimumVersion = 2, Parent = Icount)]
public sealed partial class Timers
{
    private const string Icount = "timer/icount";
    private const string WarpTimer = "timer/icount/warp_timer";
    private const string AdjustTimers = "timer/icount/timers";
    private const string Shift = "timer/icount/shift";

    /// <summary>Offset added to the host tick counter to give the guest's.</summary>
    [VmStateField("cpu_ticks_offset")]
    public long CpuTicksOffset;

    /// <summary>Offset added to the host clock to give the guest's virtual clock (ns).</summary>
    [Unused(8)] // once the tick counter's last value
    [VmStateField("cpu_clock_offset", Since = 2)]
    public long CpuClockOffset;

    /// <summary>The icount mode: 0 off, 1 fixed shift, 2 adaptive shift (not migrated).</summary>
    public int IcountMode { get; set; }

    /// <summary>Whether the icount warp timer exists (not migrated).</summary>
    public bool HasWarpTimer { get; set; }

    /// <summary>Whether the adaptive-shift timers exist (not migrated).</summary>
    public bool HasAdjustTimers { get; set; }

    /// <summary>Bias added to the instruction count to give virtual time.</summary>
    [VmStateField("qemu_icount_bias", Subsection = Icount)]
    public long IcountBias;

    /// <summary>Instructions executed.</summary>
    [VmStateField("qemu_icount", Subsection = Icount)]
    public long IcountValue;

    /// <summary>Virtual-clock time when the current warp began.</summary>
    [VmStateField("vm_clock_warp_start", Subsection = WarpTimer)]
    public long VmClockWarpStart;

    /// <summary>The warp timer.</summary>
    [VmStateField("icount_warp_timer", Subsection = WarpTimer)]
    public VmTimer IcountWarpTimer;

    /// <summary>The real-time timer of the adaptive shift.</summary>
    [VmStateField("icount_rt_timer", Subsection = AdjustTimers)]
    public VmTimer IcountRtTimer;

    /// <summary>The virtual-time timer of the adaptive shift.</summary>
    [VmStateField("icount_vm_timer", Subsection = AdjustTimers)]
    public VmTimer IcountVmTimer;

    /// <summary>log2 of the nanoseconds per instruction.</summary>
    [VmStateField("icount_time_shift", Subsection = Shift)]
    public short IcountTimeShift;

    /// <summary>Last measured drift between virtual and real time.</summary>
    [VmStateField("last_delta", Subsection = Shift)]
    public long LastDelta;

    [Needed(Icount)]
    private bool IsIcountNeeded() => IcountMode != 0;

    [Needed(WarpTimer)]
    private bool IsWarpTimerNeeded() => HasWarpTimer;

    [Needed(AdjustTimers)]
    private bool AreAdjustTimersNeeded() => HasAdjustTimers;

    [Needed(Shift)]
    private bool IsShiftNeeded() => IcountMode == 2;
}
