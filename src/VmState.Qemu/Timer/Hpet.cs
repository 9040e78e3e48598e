using VmState.Codecs;
using VmState.Description;

namespace VmState.Qemu.Timer;

/// <summary>
/// QEMU 7.2's HPET (<c>hw/timer/hpet.c</c>, device type "hpet"): the general registers, then as many comparators as
/// <see cref="NumTimers"/> says (3 on pc and q35), and two subsections.
/// </summary>
[VmState("hpet", Version = 2, MinimumVersion = 1)]
[Subsection(RtcIrqLevelSubsection)]
[Subsection(OffsetSubsection)]
public sealed partial class Hpet
{
    /// <summary>The fewest comparators a QEMU HPET has (and the count version 1 streams imply).</summary>
    public const int MinTimers = 3;
    /// <summary>The most comparators a QEMU HPET has.</summary>
    public const int MaxTimers = 32;

    private const string RtcIrqLevelSubsection = "hpet/rtc_irq_level";
    private const string OffsetSubsection = "hpet/offset";
    private const ulong ConfigEnable = 0x1;

    /// <summary>General configuration register.</summary>
    [VmStateField("config")] public ulong Config;

    /// <summary>General interrupt status register.</summary>
    [VmStateField("isr")] public ulong Isr;

    /// <summary>Main counter value (as of the save, while enabled).</summary>
    [VmStateField("hpet_counter")] public ulong HpetCounter;

    /// <summary>Comparators in use.</summary>
    [VmStateField("num_timers", Since = 2)] public byte NumTimers = MinTimers;

    [Validate("num_timers in range")]
    private bool NumTimersInRange() => NumTimers is >= MinTimers and <= MaxTimers;

    /// <summary>The comparators; the first <see cref="NumTimers"/> are migrated.</summary>
    [VmStateField("timer", Count = nameof(NumTimers))]
    public HpetTimer[] Timer = [.. Enumerable.Range(0, MaxTimers).Select(i => new HpetTimer { Tn = (byte)i })];

    /// <summary>The RTC interrupt level as the HPET's legacy routing last saw it.</summary>
    [VmStateField("rtc_irq_level", Subsection = RtcIrqLevelSubsection)] public byte RtcIrqLevel;

    /// <summary>Main counter offset from the virtual clock (ns).</summary>
    [VmStateField("hpet_offset", Subsection = OffsetSubsection)] public ulong HpetOffset;

    /// <summary>The "hpet-offset-saved" property (on for 7.2 machines).</summary>
    public bool HpetOffsetSaved = true;

    [Needed(RtcIrqLevelSubsection)]
    private bool IsRtcIrqLevelNeeded() => RtcIrqLevel != 0;

    [Needed(OffsetSubsection)]
    private bool IsOffsetNeeded() => (Config & ConfigEnable) != 0 && HpetOffsetSaved;

    // Version 1 streams carry no count: they always had three comparators.
    [PreLoad]
    private void BeforeLoad() => NumTimers = MinTimers;
}

/// <summary>One HPET comparator (<c>HPETTimer</c>, C sizeof 64).</summary>
[VmState("hpet_timer", DumpSize = 64)]
public sealed partial class HpetTimer
{
    /// <summary>Comparator index.</summary>
    [VmStateField("tn")] public byte Tn;
    /// <summary>Configuration and capability register.</summary>
    [VmStateField("config")] public ulong Config;
    /// <summary>Comparator value.</summary>
    [VmStateField("cmp")] public ulong Cmp;
    /// <summary>FSB (MSI) route register.</summary>
    [VmStateField("fsb")] public ulong Fsb;
    /// <summary>Period of a periodic comparator.</summary>
    [VmStateField("period")] public ulong Period;
    /// <summary>A 32-bit comparator has wrapped once.</summary>
    [VmStateField("wrap_flag")] public byte WrapFlag;
    /// <summary>The comparator's expiry timer.</summary>
    [VmStateField("qemu_timer")] public VmTimer QemuTimer;
}
