using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>
/// One x87 data register (QEMU's <c>FPReg</c>, description <c>fpreg</c>, version 0): an 80-bit extended-precision
/// value, the 64-bit significand and the sign-and-exponent word. With MMX in use the significand holds the MMX
/// register. On the wire it is only a <c>tmp</c> (<see cref="FpRegTmp"/>) that carries the two parts, so the
/// stream does not depend on how the value is held in memory. QEMU's C type is 16 bytes (16-byte aligned).
/// </summary>
[VmState("fpreg", Version = 0, DumpSize = 16)]
public partial struct FpReg
{
    /// <summary>The 64-bit significand, explicit integer bit included (or the MMX register).</summary>
    public ulong Mantissa;

    /// <summary>Sign (bit 15) and biased exponent (bits 0-14).</summary>
    public ushort SignExponent;

    [VmStateField("tmp")]
    private FpRegTmp _wire;

    /// <summary>A register holding <paramref name="mantissa"/> and <paramref name="signExponent"/>.</summary>
    public FpReg(ulong mantissa, ushort signExponent)
    {
        Mantissa = mantissa;
        SignExponent = signExponent;
        _wire = default;
    }
}

/// <summary>
/// The temporary QEMU builds for each x87 register while saving or loading it (<c>x86_FPReg_tmp</c>, description
/// <c>fpreg_tmp</c>, version 0): significand then exponent word. Its C size is 24 bytes (the parent pointer, the
/// 64-bit significand and the 16-bit word, padded).
/// </summary>
[VmState("fpreg_tmp", Version = 0, DumpSize = 24)]
public partial struct FpRegTmp : IVmStateTmp<FpReg>
{
    /// <summary>The significand.</summary>
    [VmStateField("tmp_mant")]
    public ulong Mantissa;

    /// <summary>Sign and exponent.</summary>
    [VmStateField("tmp_exp")]
    public ushort Exponent;

    /// <inheritdoc/>
    public void FromParent(in FpReg parent)
    {
        Mantissa = parent.Mantissa;
        Exponent = parent.SignExponent;
    }

    /// <inheritdoc/>
    public readonly void ToParent(ref FpReg parent)
    {
        parent.Mantissa = Mantissa;
        parent.SignExponent = Exponent;
    }
}
