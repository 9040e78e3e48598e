using VmState.Description;
using VmState.Qemu.Pci;

namespace VmState.Qemu.I2c;

/// <summary>
/// QEMU 7.2's ICH9 SMBus controller at 00:1f.3 of the q35 machine (<c>ich9_smb</c>, <c>hw/i2c/smbus_ich9.c</c>,
/// device type <c>ICH9-SMB</c>): its PCI function, then, on machines that migrate SMBus state (all 7.2 ones), the
/// interrupt enable and the controller.
/// </summary>
[VmState("ich9_smb", DeviceType = "ICH9-SMB")]
public sealed partial class Ich9Smbus
{
    /// <summary>The PCI function (8086:2930, SMBus controller).</summary>
    [VmStateField("dev")]
    public PciDevice Dev { get; } = PciIdentity.Set(new PciDevice(), 0x8086, 0x2930, 0x02, 0x0c0500);

    /// <summary>The controller raises its interrupt (set from HOSTC).</summary>
    [VmStateField("irq_enabled", Exists = nameof(IsSmbusMigrated))]
    public bool IrqEnabled;

    /// <summary>The SMBus controller.</summary>
    [VmStateField("smb", Since = 1, Exists = nameof(IsSmbusMigrated))]
    public PmSmbus Smb { get; } = new();

    /// <summary>Whether the machine migrates SMBus state (false only for machine types before 2.12; not migrated).</summary>
    public bool SmbusMigrated { get; set; } = true;

    private bool IsSmbusMigrated() => SmbusMigrated;
}
