using VmState.Codecs;
using VmState.Description;
using VmState.Qemu.I2c;
using VmState.Qemu.Isa;
using VmState.Qemu.Pci;

namespace VmState.Qemu.Acpi;

/// <summary>
/// QEMU 7.2's PIIX4 power management function at 00:01.3 of the pc machine (<c>piix4_pm</c>,
/// <c>hw/acpi/piix4.c</c>, device type <c>PIIX4_PM</c>), version 3: the PCI function, the ACPI PM1 event and
/// control registers, APM, the SMBus controller, the PM timer, the GPE block, then PCI hotplug (the legacy bus-0
/// form or the per-bus form, as bridge hotplug is off or on) and the memory and CPU hotplug subsections.
/// </summary>
[VmState("piix4_pm", Version = 3, MinimumVersion = 3, DeviceType = "PIIX4_PM")]
[Subsection(MemHp, Version = 1)]
[Subsection(CpuHp, Version = 1)]
public sealed partial class Piix4Pm
{
    private const string MemHp = "piix4_pm/memhp";
    private const string CpuHp = "piix4_pm/cpuhp";

    private readonly PciStatusView _legacyStatus;

    /// <summary>The pc machine's function with QEMU 7.2's defaults.</summary>
    public Piix4Pm() => _legacyStatus = new PciStatusView(PciHotplug.Status[0]);

    /// <summary>The PCI function (8086:7113, bridge).</summary>
    [VmStateField("parent_obj")]
    public PciDevice ParentObj { get; } = PciIdentity.Set(new PciDevice(), 0x8086, 0x7113, 0x03, 0x068000);

    /// <summary>PM1 event status.</summary>
    [VmStateField("ar.pm1.evt.sts")]
    public ushort Pm1EvtSts;

    /// <summary>PM1 event enable.</summary>
    [VmStateField("ar.pm1.evt.en")]
    public ushort Pm1EvtEn;

    /// <summary>PM1 control (SCI_EN, sleep type and enable).</summary>
    [VmStateField("ar.pm1.cnt.cnt")]
    public ushort Pm1CntCnt;

    /// <summary>The APM ports.</summary>
    [VmStateField("apm")]
    public Apm Apm { get; } = new();

    /// <summary>The SMBus host controller, migrated on machines that migrate SMBus state (all 7.2 ones).</summary>
    [VmStateField("smb", Since = 3, Exists = nameof(IsSmbusMigrated))]
    public PmSmbus Smb { get; } = new();

    /// <summary>The PM timer's overflow interrupt timer.</summary>
    [VmStateField("ar.tmr.timer")]
    public VmTimer TmrTimer;

    /// <summary>Virtual time (ns) of the PM timer's next overflow.</summary>
    [VmStateField("ar.tmr.overflow_time")]
    public long TmrOverflowTime;

    /// <summary>The general-purpose event block.</summary>
    [VmStateField("ar.gpe", Since = 2)]
    public AcpiGpe Gpe { get; } = new();

    /// <summary>The PCI hotplug controller.</summary>
    public AcpiPciHotplug PciHotplug { get; } = new();

    [VmStateField("acpi_pci_hotplug.acpi_pcihp_pci_status[0x0]", Since = 2, Exists = nameof(IsLegacyHotplug))]
    private PciStatusView LegacyHotplugStatus => _legacyStatus;

    [VmStateField("acpi_pci_hotplug.hotplug_select", Exists = nameof(IsBridgeHotplug))]
    private uint HotplugSelect { get => PciHotplug.HotplugSelect; set => PciHotplug.HotplugSelect = value; }

    [VmStateField("acpi_pci_hotplug.acpi_pcihp_pci_status", Length = AcpiPciHotplug.MaxBuses, Since = 1, Exists = nameof(IsBridgeHotplug))]
    private AcpiPcihpPciStatus[] HotplugStatus => PciHotplug.Status;

    [VmStateField("acpi_pci_hotplug.acpi_index", Exists = nameof(IsAcpiIndexMigrated))]
    private uint AcpiIndex { get => PciHotplug.AcpiIndex; set => PciHotplug.AcpiIndex = value; }

    /// <summary>The memory hotplug controller.</summary>
    [VmStateField("acpi_memory_hotplug", Since = 1, Subsection = MemHp)]
    public MemoryHotplugState MemoryHotplug { get; } = new();

    /// <summary>The modern CPU hotplug controller.</summary>
    [VmStateField("cpuhp_state", Since = 1, Subsection = CpuHp)]
    public CpuHotplugState CpuHotplug { get; } = new();

    /// <summary>The machine migrates SMBus state (false only before 2.12; not migrated).</summary>
    public bool SmbusMigrated { get; set; } = true;

    /// <summary>The ACPI index is not migrated (compat for machine types up to 6.1; not migrated).</summary>
    public bool NotMigrateAcpiIndex { get; set; }

    /// <summary>Memory hotplug is on (<c>memory-hotplug-support</c>; not migrated).</summary>
    public bool MemoryHotplugEnabled { get; set; } = true;

    /// <summary>The guest still uses the legacy CPU hotplug interface (not migrated; true until it switches).</summary>
    public bool CpuHotplugLegacy { get; set; } = true;

    private bool IsSmbusMigrated() => SmbusMigrated;

    private bool IsLegacyHotplug() => !PciHotplug.UseAcpiHotplugBridge;

    private bool IsBridgeHotplug() => PciHotplug.UseAcpiHotplugBridge;

    private bool IsAcpiIndexMigrated() => PciHotplug.UseAcpiHotplugBridge && !NotMigrateAcpiIndex;

    [Needed(MemHp)]
    private bool IsMemHpNeeded() => MemoryHotplugEnabled;

    [Needed(CpuHp)]
    private bool IsCpuHpNeeded() => !CpuHotplugLegacy;

    // A stream with the modern CPU hotplug state means the guest had switched to it.
    [PreLoad(CpuHp)]
    private void BeforeCpuHpLoad() => CpuHotplugLegacy = false;
}
