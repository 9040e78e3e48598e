namespace VmState.Qemu.Pci;

/// <summary>Writes the identity registers of a function's configuration space, as its device class sets them.</summary>
internal static class PciIdentity
{
    /// <summary>Vendor, device, revision and the 24-bit class code (base class, subclass, programming interface).</summary>
    public static PciDevice Set(PciDevice device, ushort vendorId, ushort deviceId, byte revision, int classCode)
    {
        device.VendorId = vendorId;
        device.DeviceId = deviceId;
        device.Config[0x08] = revision;
        device.Config[0x09] = (byte)classCode;
        device.Config[0x0a] = (byte)(classCode >> 8);
        device.Config[0x0b] = (byte)(classCode >> 16);
        return device;
    }
}
