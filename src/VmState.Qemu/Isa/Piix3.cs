using VmState.Description;
using VmState.Qemu.Pci;

namespace VmState.Qemu.Isa;

/// <summary>
/// QEMU 7.2's PIIX3 PCI-to-ISA bridge at 00:01.0 of the pc machine (<c>PIIX3</c>, <c>hw/isa/piix3.c</c>), version 3,
/// minimum 2: its PCI function (PIRQ routing in the configuration space), the level of each PCI interrupt line
/// since version 3, and the reset control register (port 0xcf9) when it is not zero.
/// </summary>
[VmState("PIIX3", Version = 3, MinimumVersion = 2, DeviceTypes = ["pci-piix3", "PIIX3", "PIIX3-xen"])]
[Subsection(Rcr, Version = 1)]
public sealed partial class Piix3
{
    /// <summary>PCI interrupt lines PIRQA..PIRQD.</summary>
    public const int Pirqs = 4;

    private const string Rcr = "PIIX3/rcr";

    /// <summary>The PCI function (8086:7000, ISA bridge).</summary>
    [VmStateField("dev")]
    public PciDevice Dev { get; } = PciIdentity.Set(new PciDevice(), 0x8086, 0x7000, 0x00, 0x060100);

    /// <summary>The level of each PCI interrupt line as the bus saw it at save time.</summary>
    [VmStateField("pci_irq_levels_vmstate", Length = Pirqs, Since = 3)]
    public int[] PciIrqLevels { get; } = new int[Pirqs];

    /// <summary>Reset control register: only the system-reset-type bit (2) is kept.</summary>
    [VmStateField("rcr", Subsection = Rcr)]
    public byte ResetControl;

    [Needed(Rcr)]
    private bool IsRcrNeeded() => ResetControl != 0;
}
