using VmState.Codecs;
using VmState.Description;

namespace VmState.Qemu.Timer;

/// <summary>QEMU 7.2's MC146818 real-time clock and CMOS (<c>hw/rtc/mc146818rtc.c</c>, device type "mc146818rtc").</summary>
[VmState("mc146818rtc", Version = 3, MinimumVersion = 1)]
[Subsection(ReinjectSubsection)]
public sealed partial class Mc146818Rtc
{
    /// <summary>Bytes of CMOS (registers and NVRAM).</summary>
    public const int CmosSize = 128;

    private const string ReinjectSubsection = "mc146818rtc/irq_reinject_on_ack_count";

    /// <summary>The CMOS: clock registers A-D at 0x0a-0x0d, then NVRAM.</summary>
    [VmStateField("cmos_data", Length = CmosSize)] public byte[] CmosData = new byte[CmosSize];

    /// <summary>The selected CMOS index (port 0x70).</summary>
    [VmStateField("cmos_index")] public byte CmosIndex;

    /// <summary>The periodic interrupt timer.</summary>
    [Unused(28)] // was the broken-down time of the old clock
    [VmStateField("periodic_timer")] public VmTimer PeriodicTimer;

    /// <summary>Time of the next periodic interrupt (ns).</summary>
    [VmStateField("next_periodic_time")] public long NextPeriodicTime;

    /// <summary>Periodic interrupts not yet delivered (lost-tick compensation).</summary>
    [Unused(24)] // was the old second timers
    [VmStateField("irq_coalesced", Since = 2)] public uint IrqCoalesced;

    /// <summary>The periodic rate, in 32 kHz ticks, of the coalesced interrupts.</summary>
    [VmStateField("period", Since = 2)] public uint Period;

    /// <summary>Guest time in seconds at <see cref="LastUpdate"/>.</summary>
    [VmStateField("base_rtc", Since = 3)] public ulong BaseRtc;

    /// <summary>Host clock time of the last update (ns).</summary>
    [VmStateField("last_update", Since = 3)] public ulong LastUpdate;

    /// <summary>Sub-second offset of the guest clock (ns).</summary>
    [VmStateField("offset", Since = 3)] public long Offset;

    /// <summary>The update-ended / alarm timer.</summary>
    [VmStateField("update_timer", Since = 3)] public VmTimer UpdateTimer;

    /// <summary>Time of the next alarm (ns).</summary>
    [VmStateField("next_alarm_time", Since = 3)] public ulong NextAlarmTime;

    /// <summary>Re-injections of a lost tick since the guest last acknowledged one.</summary>
    [VmStateField("irq_reinject_on_ack_count", Subsection = ReinjectSubsection)] public ushort IrqReinjectOnAckCount;

    /// <summary>The last load came from a stream older than version 3: the clock is to be set from the CMOS registers.</summary>
    public bool TimeFromCmos { get; private set; }

    [Needed(ReinjectSubsection)]
    private bool IsReinjectNeeded() => IrqReinjectOnAckCount != 0;

    [PostLoad]
    private void AfterLoad(int versionId) => TimeFromCmos = versionId <= 2;
}
