using VmState.Description;
using VmState.Qemu.Pci;

namespace VmState.Qemu.Display;

/// <summary>
/// QEMU 7.2's standard PCI VGA (<c>-device VGA</c>, <c>hw/display/vga-pci.c</c>, description <c>vga</c>, version 2):
/// the PCI function, then the common VGA state. Both machines have one, at 00:02.0 (pc) or 00:01.0 (q35); the
/// secondary VGA and the abstract pci-vga type share the description.
/// </summary>
[VmState("vga", Version = 2, MinimumVersion = 2, DeviceTypes = ["VGA", "pci-vga", "secondary-vga"])]
public sealed partial class PciVga
{
    /// <summary>The PCI function (vendor 1234, device 1111).</summary>
    [VmStateField("dev")]
    public PciDevice Dev { get; } = new();

    /// <summary>The VGA registers.</summary>
    [VmStateField("vga")]
    public VgaCommonState Vga { get; } = new();
}
