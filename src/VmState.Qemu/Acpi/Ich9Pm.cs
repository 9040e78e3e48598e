using VmState.Codecs;
using VmState.Description;

namespace VmState.Qemu.Acpi;

/// <summary>
/// QEMU 7.2's ICH9 power management registers (<c>ich9_pm</c>, <c>hw/acpi/ich9.c</c>), part of the LPC bridge: the
/// ACPI PM1 registers, the PM timer, the 16-byte GPE0 status and enable arrays, the SMI enable and status, then
/// memory hotplug, the TCO watchdog, CPU hotplug and PCI hotplug as subsections. <see cref="VmStateAttribute.DumpSize"/>
/// is QEMU's <c>sizeof(ICH9LPCPMRegs)</c>.
/// </summary>
[VmState("ich9_pm", DumpSize = 6480)]
[Subsection(MemHp, Version = 1)]
[Subsection(Tco, Version = 1)]
[Subsection(CpuHp, Version = 1)]
[Subsection(PciHp, Version = 1)]
public sealed partial class Ich9Pm
{
    /// <summary>Bytes of each GPE0 array as migrated.</summary>
    public const int Gpe0Bytes = 16;

    private const string MemHp = "ich9_pm/memhp";
    private const string Tco = "ich9_pm/tco";
    private const string CpuHp = "ich9_pm/cpuhp";
    private const string PciHp = "ich9_pm/pcihp";

    /// <summary>PM1 event status.</summary>
    [VmStateField("acpi_regs.pm1.evt.sts")]
    public ushort Pm1EvtSts;

    /// <summary>PM1 event enable.</summary>
    [VmStateField("acpi_regs.pm1.evt.en")]
    public ushort Pm1EvtEn;

    /// <summary>PM1 control.</summary>
    [VmStateField("acpi_regs.pm1.cnt.cnt")]
    public ushort Pm1CntCnt;

    /// <summary>The PM timer's overflow interrupt timer.</summary>
    [VmStateField("acpi_regs.tmr.timer")]
    public VmTimer TmrTimer;

    /// <summary>Virtual time (ns) of the PM timer's next overflow.</summary>
    [VmStateField("acpi_regs.tmr.overflow_time")]
    public long TmrOverflowTime;

    /// <summary>GPE0 status bytes.</summary>
    [VmStateField("acpi_regs.gpe.sts", Length = Gpe0Bytes, AsArray = true)]
    public byte[] GpeSts { get; } = new byte[Gpe0Bytes];

    /// <summary>GPE0 enable bytes.</summary>
    [VmStateField("acpi_regs.gpe.en", Length = Gpe0Bytes, AsArray = true)]
    public byte[] GpeEn { get; } = new byte[Gpe0Bytes];

    /// <summary>SMI control and enable.</summary>
    [VmStateField("smi_en")]
    public uint SmiEn;

    /// <summary>SMI status.</summary>
    [VmStateField("smi_sts")]
    public uint SmiSts;

    /// <summary>The memory hotplug controller.</summary>
    [VmStateField("acpi_memory_hotplug", Since = 1, Subsection = MemHp)]
    public MemoryHotplugState MemoryHotplug { get; } = new();

    /// <summary>The TCO watchdog.</summary>
    [VmStateField("tco_regs", Since = 1, Subsection = Tco)]
    public TcoIoRegs TcoRegs { get; } = new();

    /// <summary>The modern CPU hotplug controller.</summary>
    [VmStateField("cpuhp_state", Since = 1, Subsection = CpuHp)]
    public CpuHotplugState CpuHotplug { get; } = new();

    /// <summary>The PCI hotplug controller.</summary>
    public AcpiPciHotplug PciHotplug { get; } = new();

    [VmStateField("acpi_pci_hotplug.hotplug_select", Subsection = PciHp)]
    private uint HotplugSelect { get => PciHotplug.HotplugSelect; set => PciHotplug.HotplugSelect = value; }

    [VmStateField("acpi_pci_hotplug.acpi_pcihp_pci_status", Length = AcpiPciHotplug.MaxBuses, Since = 1, Subsection = PciHp)]
    private AcpiPcihpPciStatus[] HotplugStatus => PciHotplug.Status;

    [VmStateField("acpi_pci_hotplug.acpi_index", Subsection = PciHp)]
    private uint AcpiIndex { get => PciHotplug.AcpiIndex; set => PciHotplug.AcpiIndex = value; }

    /// <summary>Memory hotplug is on (<c>memory-hotplug-support</c>; not migrated).</summary>
    public bool MemoryHotplugEnabled { get; set; } = true;

    /// <summary>The TCO watchdog is on (<c>enable_tco</c>; true on 7.2; not migrated).</summary>
    public bool EnableTco { get; set; } = true;

    /// <summary>The guest still uses the legacy CPU hotplug interface (not migrated; true until it switches).</summary>
    public bool CpuHotplugLegacy { get; set; } = true;

    [Needed(MemHp)]
    private bool IsMemHpNeeded() => MemoryHotplugEnabled;

    [Needed(Tco)]
    private bool IsTcoNeeded() => EnableTco;

    [Needed(CpuHp)]
    private bool IsCpuHpNeeded() => !CpuHotplugLegacy;

    [Needed(PciHp)]
    private bool IsPciHpNeeded() => PciHotplug.UseAcpiHotplugBridge;

    // A stream with the modern CPU hotplug state means the guest had switched to it.
    [PreLoad(CpuHp)]
    private void BeforeCpuHpLoad() => CpuHotplugLegacy = false;
}
