using VmState.Description;

namespace VmState.Qemu.Isa;

/// <summary>QEMU 7.2's ISA parallel port (<c>hw/char/parallel.c</c>, device type "isa-parallel").</summary>
[VmState("parallel_isa", DeviceType = "isa-parallel")]
public sealed partial class ParallelIsa
{
    /// <summary>The byte last written to the data register.</summary>
    [VmStateField("state.dataw")] public byte DataWrite;
    /// <summary>The byte the data register reads back.</summary>
    [VmStateField("state.datar")] public byte DataRead;
    /// <summary>Status register.</summary>
    [VmStateField("state.status")] public byte Status;
    /// <summary>Control register.</summary>
    [VmStateField("state.control")] public byte Control;
    /// <summary>Whether the port's interrupt is raised.</summary>
    [VmStateField("state.irq_pending")] public int IrqPending;
    /// <summary>EPP timeout flag.</summary>
    [VmStateField("state.epp_timeout")] public int EppTimeout;
}
