using VmState.Description;

namespace VmState.Qemu.Pci;

/// <summary>
/// QEMU 7.2's PCI host bridge common state (<c>PCIHost</c>, <c>hw/pci/pci_host.c</c>): the configuration address
/// register (port 0xcf8). Every host bridge type in the dump lists this one description.
/// </summary>
[VmState("PCIHost", DeviceTypes = ["pxb-cxl-host", "pxb-host", "pci-host-bridge", "remote-pcihost", "pcie-host-bridge", "gpex-pcihost", "i440FX-pcihost", "q35-pcihost"])]
public sealed partial class PciHost
{
    /// <summary>The last value written to the configuration address register.</summary>
    [VmStateField("config_reg")]
    public uint ConfigReg;
}
