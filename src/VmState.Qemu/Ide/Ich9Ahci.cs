using VmState.Description;
using VmState.Qemu.Pci;

namespace VmState.Qemu.Ide;

/// <summary>
/// QEMU 7.2's ICH9 AHCI SATA controller of the q35 machine (00:1f.2; <c>hw/ide/ich.c</c>, description
/// <c>ich9_ahci</c>, version 1, minimum 0): the PCI function and the six-port AHCI core.
/// </summary>
[VmState("ich9_ahci", Version = 1, MinimumVersion = 0, DeviceTypes = ["ich9-ahci"])]
public sealed partial class Ich9Ahci
{
    /// <summary>Ports of the ICH9's AHCI function.</summary>
    public const int PortCount = 6;

    /// <summary>The PCI function (vendor 8086, device 2922).</summary>
    [VmStateField("parent_obj")]
    public PciDevice ParentObj { get; } = new();

    /// <summary>The AHCI core.</summary>
    [VmStateField("ahci")]
    public AhciState Ahci { get; } = new();
}
