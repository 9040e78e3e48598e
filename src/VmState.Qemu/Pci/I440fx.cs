using VmState.Description;

namespace VmState.Qemu.Pci;

/// <summary>
/// QEMU 7.2's i440FX host bridge function at 00:00.0 of the pc machine (<c>I440FX</c>,
/// <c>hw/pci-host/i440fx.c</c>, device type <c>i440FX</c>), version 3: its PCI function, whose configuration space
/// holds the PAM and SMRAM registers, and a byte that once held the SMM enable and is now unused.
/// </summary>
[VmState("I440FX", Version = 3, MinimumVersion = 3, DeviceType = "i440FX")]
public sealed partial class I440fx
{
    /// <summary>The PCI function (8086:1237, host bridge).</summary>
    [VmStateField("parent_obj")]
    public PciDevice ParentObj { get; } = PciIdentity.Set(new PciDevice(), 0x8086, 0x1237, 0x02, 0x060000);

    // Trailing padding: once the SMM enable; SMRAM is decided from the configuration space now.
    [Unused(1)]
    private static void SmmEnabled()
    {
    }
}
