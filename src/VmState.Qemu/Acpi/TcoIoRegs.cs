using VmState.Codecs;
using VmState.Description;

namespace VmState.Qemu.Acpi;

/// <summary>
/// QEMU 7.2's ICH9 TCO watchdog (<c>tco io device status</c>, <c>hw/acpi/tco.c</c>): the TCO register block, the
/// software IRQ generator, the watchdog timer and how many times it has run out. <see cref="VmStateAttribute.DumpSize"/>
/// is QEMU's <c>sizeof(TCOIORegs)</c>.
/// </summary>
[VmState("tco io device status", DumpSize = 320)]
public sealed partial class TcoIoRegs
{
    /// <summary>Timer reload and current value.</summary>
    [VmStateField("tco.rld")]
    public ushort Rld;

    /// <summary>Data in.</summary>
    [VmStateField("tco.din")]
    public byte Din;

    /// <summary>Data out.</summary>
    [VmStateField("tco.dout")]
    public byte Dout;

    /// <summary>Status 1.</summary>
    [VmStateField("tco.sts1")]
    public ushort Sts1;

    /// <summary>Status 2.</summary>
    [VmStateField("tco.sts2")]
    public ushort Sts2;

    /// <summary>Control 1 (TCO_TMR_HLT, ...).</summary>
    [VmStateField("tco.cnt1")]
    public ushort Cnt1;

    /// <summary>Control 2.</summary>
    [VmStateField("tco.cnt2")]
    public ushort Cnt2;

    /// <summary>Message 1.</summary>
    [VmStateField("tco.msg1")]
    public byte Msg1;

    /// <summary>Message 2.</summary>
    [VmStateField("tco.msg2")]
    public byte Msg2;

    /// <summary>Watchdog control.</summary>
    [VmStateField("tco.wdcnt")]
    public byte Wdcnt;

    /// <summary>Timer initial value (in 0.6 s ticks).</summary>
    [VmStateField("tco.tmr")]
    public ushort Tmr;

    /// <summary>Software IRQ generation register.</summary>
    [VmStateField("sw_irq_gen")]
    public byte SwIrqGen;

    /// <summary>The watchdog countdown timer.</summary>
    [VmStateField("tco_timer")]
    public VmTimer TcoTimer;

    /// <summary>Virtual time (ns) at which the countdown ends.</summary>
    [VmStateField("expire_time")]
    public long ExpireTime;

    /// <summary>Countdowns run out since the last reload (the second one resets the machine).</summary>
    [VmStateField("timeouts_no")]
    public byte TimeoutsNo;
}
