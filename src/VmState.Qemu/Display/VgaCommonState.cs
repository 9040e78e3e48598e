using VmState.Description;

namespace VmState.Qemu.Display;

/// <summary>
/// The register state shared by QEMU 7.2's VGA models (<c>hw/display/vga.c</c>, description <c>vga</c>, version 2):
/// sequencer, graphics, attribute and CRT controller registers, the DAC and palette, and the Bochs VBE registers.
/// Video memory is the separate <c>vga.vram</c> RAM block.
/// </summary>
[VmState("vga", Version = 2, MinimumVersion = 2, DumpSize = 68112)]
[Subsection(EndianState, Version = 1)]
public sealed partial class VgaCommonState
{
    private const string EndianState = "vga.endian";

    /// <summary>Bochs VBE register count (<c>VBE_DISPI_INDEX_NB</c>).</summary>
    public const int VbeRegisterCount = 10;

    /// <summary>The four-plane read latch.</summary>
    [VmStateField("latch")] public uint Latch;

    /// <summary>Sequencer index.</summary>
    [VmStateField("sr_index")] public byte SrIndex;

    /// <summary>Sequencer registers; the first 8 are migrated.</summary>
    [VmStateField("sr", Length = 8)] public byte[] Sr { get; } = new byte[256];

    /// <summary>Graphics controller index.</summary>
    [VmStateField("gr_index")] public byte GrIndex;

    /// <summary>Graphics controller registers; the first 16 are migrated.</summary>
    [VmStateField("gr", Length = 16)] public byte[] Gr { get; } = new byte[256];

    /// <summary>Attribute controller index.</summary>
    [VmStateField("ar_index")] public byte ArIndex;

    /// <summary>Attribute controller registers.</summary>
    [VmStateField("ar", Length = 21)] public byte[] Ar { get; } = new byte[21];

    /// <summary>Whether the next write to 0x3c0 is data (else index).</summary>
    [VmStateField("ar_flip_flop")] public int ArFlipFlop;

    /// <summary>CRT controller index.</summary>
    [VmStateField("cr_index")] public byte CrIndex;

    /// <summary>CRT controller registers.</summary>
    [VmStateField("cr", Length = 256)] public byte[] Cr { get; } = new byte[256];

    /// <summary>Miscellaneous output register.</summary>
    [VmStateField("msr")] public byte Msr;

    /// <summary>Feature control register.</summary>
    [VmStateField("fcr")] public byte Fcr;

    /// <summary>Input status register 0.</summary>
    [VmStateField("st00")] public byte St00;

    /// <summary>Input status register 1.</summary>
    [VmStateField("st01")] public byte St01;

    /// <summary>DAC state (reading or writing).</summary>
    [VmStateField("dac_state")] public byte DacState;

    /// <summary>Colour component (0-2) the DAC handles next.</summary>
    [VmStateField("dac_sub_index")] public byte DacSubIndex;

    /// <summary>DAC read index.</summary>
    [VmStateField("dac_read_index")] public byte DacReadIndex;

    /// <summary>DAC write index.</summary>
    [VmStateField("dac_write_index")] public byte DacWriteIndex;

    /// <summary>Components of the palette entry being written.</summary>
    [VmStateField("dac_cache", Length = 3)] public byte[] DacCache { get; } = new byte[3];

    /// <summary>256 palette entries of three 6-bit components.</summary>
    [VmStateField("palette", Length = 768)] public byte[] Palette { get; } = new byte[768];

    /// <summary>Offset of the banked window into video memory.</summary>
    [VmStateField("bank_offset")] public int BankOffset;

    /// <summary>Always 1: this state carries the VBE registers; a stream without them is refused.</summary>
    [VmStateField("is_vbe_vmstate", Equal = true)] public byte IsVbeVmState = 1;

    /// <summary>Selected VBE register.</summary>
    [VmStateField("vbe_index")] public ushort VbeIndex;

    /// <summary>VBE registers (id, resolution, depth, enable, bank, virtual size, offsets).</summary>
    [VmStateField("vbe_regs", Length = VbeRegisterCount)] public ushort[] VbeRegs { get; } = new ushort[VbeRegisterCount];

    /// <summary>Start of the displayed VBE frame, in bytes.</summary>
    [VmStateField("vbe_start_addr")] public uint VbeStartAddr;

    /// <summary>Bytes per VBE scan line.</summary>
    [VmStateField("vbe_line_offset")] public uint VbeLineOffset;

    /// <summary>Mask of valid VBE bank numbers.</summary>
    [VmStateField("vbe_bank_mask")] public uint VbeBankMask;

    /// <summary>The framebuffer is big-endian; migrated only when it differs from the target's default.</summary>
    [VmStateField("big_endian_fb", Subsection = EndianState)] public bool BigEndianFb;

    /// <summary>The target's framebuffer byte order: little-endian on x86.</summary>
    public bool DefaultEndianFb { get; init; }

    [Needed(EndianState)]
    private bool IsEndianStateNeeded() => BigEndianFb != DefaultEndianFb;
}
