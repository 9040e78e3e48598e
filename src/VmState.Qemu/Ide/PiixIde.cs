using VmState.Description;
using VmState.Qemu.Pci;

namespace VmState.Qemu.Ide;

/// <summary>
/// QEMU 7.2's PIIX3 IDE function of the pc machine (00:01.1; <c>hw/ide/piix.c</c> with the PCI IDE description
/// <c>ide</c> of <c>hw/ide/pci.c</c>, version 3, minimum 0): the PCI function, the two bus-master DMA engines, the
/// two channels, then each channel's two drive slots. QEMU's dump lists no device type for it.
/// </summary>
[VmState("ide", Version = 3, MinimumVersion = 0)]
public sealed partial class PiixIde
{
    /// <summary>The PCI function (vendor 8086, device 7010).</summary>
    [VmStateField("parent_obj")]
    public PciDevice ParentObj { get; } = new();

    /// <summary>Bus-master DMA of the primary and secondary channel.</summary>
    [VmStateField("bmdma", Length = 2)]
    public BmDma[] Bmdma { get; } = [new(), new()];

    /// <summary>The primary and secondary channel, each with its drives.</summary>
    [VmStateField("bus", Length = 2, Since = 1)]
    public IdeBus[] Bus { get; } = [new(), new()];

    [VmStateField("bus[0].ifs", Length = 2, Since = 3)]
    private IdeDrive[] Bus0Ifs => Bus[0].Ifs;

    [VmStateField("bus[1].ifs", Length = 2, Since = 3)]
    private IdeDrive[] Bus1Ifs => Bus[1].Ifs;
}
