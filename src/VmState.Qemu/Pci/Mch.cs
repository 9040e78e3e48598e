using VmState.Description;

namespace VmState.Qemu.Pci;

/// <summary>
/// QEMU 7.2's Q35 memory controller hub function at 00:00.0 of the q35 machine (<c>mch</c>,
/// <c>hw/pci-host/q35.c</c>): its PCI function, whose configuration space holds PCIEXBAR, PAM, SMRAM and TSEG, and a
/// byte that once held the SMM enable and is now unused.
/// </summary>
[VmState("mch")]
public sealed partial class Mch
{
    /// <summary>The PCI function (8086:29c0, host bridge).</summary>
    [VmStateField("parent_obj")]
    public PciDevice ParentObj { get; } = PciIdentity.Set(new PciDevice(), 0x8086, 0x29c0, 0x02, 0x060000);

    // Trailing padding: once the SMM enable; SMRAM is decided from the configuration space now.
    [Unused(1)]
    private static void SmmEnabled()
    {
    }
}
