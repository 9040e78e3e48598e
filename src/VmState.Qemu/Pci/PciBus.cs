using VmState.Description;

namespace VmState.Qemu.Pci;

/// <summary>
/// QEMU 7.2's PCI bus state (<c>PCIBUS</c>, <c>hw/pci/pci.c</c>): how many functions assert each of the bus's
/// interrupt lines. The line count is the machine's (4 PIRQs on pc, 8 on q35); it is on the wire only as a check.
/// </summary>
[VmState("PCIBUS")]
public sealed partial class PciBus
{
    /// <summary>A bus with <paramref name="irqCount"/> interrupt lines.</summary>
    public PciBus(int irqCount)
    {
        Nirq = irqCount;
        IrqCount = new int[irqCount];
    }

    /// <summary>A bus with no interrupt lines.</summary>
    public PciBus()
        : this(0)
    {
    }

    /// <summary>The root bus of the machine "pc" (PIIX3, 4 PIRQs) or "q35" (ICH9, 8 PIRQs).</summary>
    public static PciBus ForMachine(string machine) => machine switch
    {
        "pc" => new PciBus(4),
        "q35" => new PciBus(8),
        _ => throw new ArgumentException("Unknown machine " + machine, nameof(machine)),
    };

    /// <summary>Interrupt lines; the incoming value must equal ours.</summary>
    [VmStateField("nirq", Equal = true)]
    public int Nirq;

    /// <summary>Number of functions asserting each line.</summary>
    [VmStateField("irq_count", Count = nameof(Nirq))]
    public int[] IrqCount;
}
