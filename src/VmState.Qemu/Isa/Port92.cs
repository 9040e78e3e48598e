using VmState.Description;

namespace VmState.Qemu.Isa;

/// <summary>QEMU 7.2's port 0x92 (<c>hw/i386/pc.c</c>, "port92"): the fast A20 gate and reset latch.</summary>
[VmState("port92")]
public sealed partial class Port92
{
    /// <summary>The last value written to port 0x92.</summary>
    [VmStateField("outport")] public byte Outport;
}
