using VmState.Description;

namespace VmState.Qemu.Isa;

/// <summary>
/// QEMU 7.2's I/O APIC (<c>hw/intc/ioapic_common.c</c>), listed in the dump under the emulated, the KVM and the
/// common device type.
/// </summary>
[VmState("ioapic", Version = 3, MinimumVersion = 1, DeviceTypes = ["kvm-ioapic", "ioapic-common", "ioapic"])]
public sealed partial class IoApic
{
    /// <summary>The number of redirection table entries.</summary>
    public const int Pins = 24;

    /// <summary>APIC id.</summary>
    [VmStateField("id")] public byte Id;

    /// <summary>Selected register (IOREGSEL).</summary>
    [VmStateField("ioregsel")] public byte IoRegSel;

    /// <summary>Pending interrupt request bits, one per pin.</summary>
    [Unused(8, Since = 2)] // was the old time-of-last-update fields
    [VmStateField("irr", Since = 2)] public uint Irr;

    /// <summary>The redirection table.</summary>
    [VmStateField("ioredtbl", Length = Pins)] public ulong[] IoRedTbl = [.. Enumerable.Repeat(MaskedEntry, Pins)];

    // A redirection entry after reset: masked.
    private const ulong MaskedEntry = 1UL << 16;

    // Streams of version 1 carry no irr: start from none pending.
    [PostLoad]
    private void AfterLoad(int versionId)
    {
        if (versionId == 1)
        {
            Irr = 0;
        }
    }
}
