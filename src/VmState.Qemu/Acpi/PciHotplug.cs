using VmState.Description;

namespace VmState.Qemu.Acpi;

/// <summary>
/// QEMU 7.2's ACPI PCI hotplug controller state (<c>AcpiPciHpState</c>, <c>hw/acpi/pcihp.c</c>), which the PIIX4 and
/// ICH9 power management functions migrate field by field: the selected bus, each bus's pending insert and eject
/// slot masks, and the ACPI index last looked up.
/// </summary>
public sealed class AcpiPciHotplug
{
    /// <summary>Hotplug-capable buses (bus select values).</summary>
    public const int MaxBuses = 256;

    /// <summary>Fresh state: every bus with nothing pending.</summary>
    public AcpiPciHotplug()
    {
        for (int i = 0; i < Status.Length; i++)
        {
            Status[i] = new AcpiPcihpPciStatus();
        }
    }

    /// <summary>The bus the guest selected (BNUM register).</summary>
    public uint HotplugSelect;

    /// <summary>Pending events of each bus.</summary>
    public AcpiPcihpPciStatus[] Status { get; } = new AcpiPcihpPciStatus[MaxBuses];

    /// <summary>The ACPI index the guest last asked for.</summary>
    public uint AcpiIndex;

    /// <summary>Hotplug on bridges too (the machine's <c>acpi-pci-hotplug-with-bridge-support</c>; true on 7.2).</summary>
    public bool UseAcpiHotplugBridge { get; set; } = true;
}

/// <summary>One bus's pending hotplug events (<c>acpi_pcihp_pci_status</c>). <see cref="VmStateAttribute.DumpSize"/> is QEMU's <c>sizeof(AcpiPciHpPciStatus)</c>.</summary>
[VmState("acpi_pcihp_pci_status", DumpSize = 12)]
public sealed partial class AcpiPcihpPciStatus
{
    /// <summary>Slots with an insertion the guest has not handled.</summary>
    [VmStateField("up")]
    public uint Up;

    /// <summary>Slots with an eject request the guest has not handled.</summary>
    [VmStateField("down")]
    public uint Down;

    /// <summary>Slots that accept hotplug (not migrated).</summary>
    public uint HotplugEnable { get; set; } = uint.MaxValue;
}

/// <summary>
/// The older description of the same per-bus status (<c>pci_status</c>, <c>hw/acpi/piix4.c</c>) that a PIIX4 without
/// bridge hotplug sends for bus 0: a view over that bus's <see cref="AcpiPcihpPciStatus"/>.
/// </summary>
[VmState("pci_status", DumpSize = 12)]
public sealed partial class PciStatusView
{
    private readonly AcpiPcihpPciStatus _status;

    /// <summary>A view of <paramref name="status"/>.</summary>
    public PciStatusView(AcpiPcihpPciStatus status) => _status = status;

    [VmStateField("up")]
    private uint Up { get => _status.Up; set => _status.Up = value; }

    [VmStateField("down")]
    private uint Down { get => _status.Down; set => _status.Down = value; }
}
