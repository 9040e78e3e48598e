using VmState.Description;

namespace VmState.Qemu.Misc;

/// <summary>
/// A CPU's local APIC in QEMU 7.2 (<c>hw/intc/apic_common.c</c>), one section per CPU; no <c>-dump-vmstate</c> key lists
/// it. The timer is migrated as plain times rather than as a timer field.
/// </summary>
// QEMU numbers this description 3 (older layouts were loaded by a separate legacy path); kept as shipped.
#pragma warning disable VMS0111
[VmState("apic", Version = 3, MinimumVersion = 3)]
#pragma warning restore VMS0111
[Subsection(SipiSubsection)]
public sealed partial class Apic
{
    /// <summary>Local vector table entries (timer, thermal, performance, LINT0, LINT1, error).</summary>
    public const int LvtCount = 6;

    // Its name only starts with the parent's, without a slash.
    private const string SipiSubsection = "apic_sipi";
    private const uint LvtMasked = 1u << 16;

    /// <summary>IA32_APIC_BASE: base address, enable and bootstrap-processor bits.</summary>
    [VmStateField("apicbase")] public uint ApicBase = 0xfee00000 | 0x800 | 0x100;
    /// <summary>APIC id.</summary>
    [VmStateField("id")] public byte Id;
    /// <summary>Arbitration id.</summary>
    [VmStateField("arb_id")] public byte ArbId;
    /// <summary>Task priority register.</summary>
    [VmStateField("tpr")] public byte Tpr;
    /// <summary>Spurious interrupt vector register.</summary>
    [VmStateField("spurious_vec")] public uint SpuriousVec = 0xff;
    /// <summary>Logical destination register (its top byte).</summary>
    [VmStateField("log_dest")] public byte LogDest;
    /// <summary>Destination format model (its top nibble).</summary>
    [VmStateField("dest_mode")] public byte DestMode = 0xf;
    /// <summary>In-service register, 256 bits.</summary>
    [VmStateField("isr", Length = 8)] public uint[] Isr = new uint[8];
    /// <summary>Trigger mode register, 256 bits.</summary>
    [VmStateField("tmr", Length = 8)] public uint[] Tmr = new uint[8];
    /// <summary>Interrupt request register, 256 bits.</summary>
    [VmStateField("irr", Length = 8)] public uint[] Irr = new uint[8];
    /// <summary>Local vector table.</summary>
    [VmStateField("lvt", Length = LvtCount)] public uint[] Lvt = [.. Enumerable.Repeat(LvtMasked, LvtCount)];
    /// <summary>Error status register.</summary>
    [VmStateField("esr")] public uint Esr;
    /// <summary>Interrupt command register, low and high words.</summary>
    [VmStateField("icr", Length = 2)] public uint[] Icr = new uint[2];
    /// <summary>Timer divide configuration register.</summary>
    [VmStateField("divide_conf")] public uint DivideConf;
    /// <summary>log2 of the timer divisor that <see cref="DivideConf"/> selects.</summary>
    [VmStateField("count_shift")] public int CountShift;
    /// <summary>Timer initial count.</summary>
    [VmStateField("initial_count")] public uint InitialCount;
    /// <summary>Virtual-clock time the count was loaded (ns).</summary>
    [VmStateField("initial_count_load_time")] public long InitialCountLoadTime;
    /// <summary>Virtual-clock time of the next timer interrupt (ns).</summary>
    [VmStateField("next_time")] public long NextTime;
    /// <summary>Expiry of the timer, or -1 when it is not armed.</summary>
    [VmStateField("timer_expiry")] public long TimerExpiry = -1;

    /// <summary>The vector of the last startup IPI.</summary>
    [VmStateField("sipi_vector", Subsection = SipiSubsection)] public int SipiVector;
    /// <summary>The CPU waits for a startup IPI.</summary>
    [VmStateField("wait_for_sipi", Subsection = SipiSubsection)] public int WaitForSipi;

    [Needed(SipiSubsection)]
    private bool IsSipiNeeded() => WaitForSipi != 0;

    // Without the subsection the CPU is not waiting.
    [PreLoad]
    private void BeforeLoad() => WaitForSipi = 0;
}
