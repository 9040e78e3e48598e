using VmState.Description;

namespace VmState.Qemu.Isa;

/// <summary>
/// One of QEMU 7.2's two 8237 DMA controllers (<c>hw/dma/i8257.c</c>, device type "i8257"): instance 0 is the
/// 8-bit controller, instance 1 the 16-bit one.
/// </summary>
[VmState("dma", DeviceType = "i8257")]
public sealed partial class I8257
{
    /// <summary>Command register.</summary>
    [VmStateField("command")] public byte Command;
    /// <summary>Channel mask bits.</summary>
    [VmStateField("mask")] public byte Mask;
    /// <summary>Low/high byte flip-flop of the 16-bit registers.</summary>
    [VmStateField("flip_flop")] public byte FlipFlop;
    /// <summary>Address shift: 0 for the 8-bit controller, 1 for the 16-bit one.</summary>
    [VmStateField("dshift")] public int DShift;
    /// <summary>The four channels.</summary>
    [VmStateField("regs", Length = 4, Since = 1)]
    public I8257Channel[] Regs = [new(), new(), new(), new()];
}

/// <summary>One channel of an 8237 (C sizeof 40).</summary>
[VmState("dma_regs", DumpSize = 40)]
public sealed partial class I8257Channel
{
    /// <summary>Current address [0] and count [1].</summary>
    [VmStateField("now", Length = 2)] public int[] Now = new int[2];
    /// <summary>Base address [0] and count [1].</summary>
    [VmStateField("base", Length = 2)] public ushort[] Base = new ushort[2];
    /// <summary>Mode register.</summary>
    [VmStateField("mode")] public byte Mode;
    /// <summary>Page register (address bits 16-23).</summary>
    [VmStateField("page")] public byte Page;
    /// <summary>High page register (address bits 24-31).</summary>
    [VmStateField("pageh")] public byte PageHigh;
    /// <summary>DACK level.</summary>
    [VmStateField("dack")] public byte Dack;
    /// <summary>End-of-process level.</summary>
    [VmStateField("eop")] public byte Eop;
}
