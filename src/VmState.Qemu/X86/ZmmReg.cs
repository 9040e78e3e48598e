using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>
/// One 512-bit vector register (QEMU's <c>ZMMReg</c>): eight 64-bit lanes. XMM is lanes 0-1, the upper YMM half
/// lanes 2-3, the upper ZMM half lanes 4-7. QEMU migrates the register file in slices, each through its own struct
/// description over the same registers; <see cref="XmmRegView"/>, <see cref="YmmhRegView"/>,
/// <see cref="ZmmhRegView"/> and <see cref="Hi16ZmmRegView"/> are those descriptions.
/// </summary>
public sealed class ZmmReg
{
    /// <summary>Lanes of a register.</summary>
    public const int Lanes = 8;

    /// <summary>The C size of QEMU's <c>ZMMReg</c>: what <c>-dump-vmstate</c> prints for each slice element.</summary>
    internal const int CSize = 64;

    /// <summary>The lanes, lowest first (<c>ZMM_Q(n)</c>).</summary>
    public ulong[] Q { get; } = new ulong[Lanes];

    /// <summary>True when any lane from <paramref name="first"/> on is non-zero.</summary>
    public bool AnyFrom(int first)
    {
        for (int i = first; i < Lanes; i++)
        {
            if (Q[i] != 0)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The SSE part of a vector register (description <c>xmm_reg</c>, version 1): lanes 0 and 1.</summary>
[VmState("xmm_reg", Version = 1, MinimumVersion = 1, DumpSize = ZmmReg.CSize)]
public sealed partial class XmmRegView(ZmmReg register)
{
    [VmStateField("_q_ZMMReg[0]")]
    private ulong Q0 { get => register.Q[0]; set => register.Q[0] = value; }

    [VmStateField("_q_ZMMReg[1]")]
    private ulong Q1 { get => register.Q[1]; set => register.Q[1] = value; }
}

/// <summary>The upper AVX half of a vector register (description <c>ymmh_reg</c>, version 1): lanes 2 and 3.</summary>
[VmState("ymmh_reg", Version = 1, MinimumVersion = 1, DumpSize = ZmmReg.CSize)]
public sealed partial class YmmhRegView(ZmmReg register)
{
    [VmStateField("_q_ZMMReg[2]")]
    private ulong Q2 { get => register.Q[2]; set => register.Q[2] = value; }

    [VmStateField("_q_ZMMReg[3]")]
    private ulong Q3 { get => register.Q[3]; set => register.Q[3] = value; }
}

/// <summary>The upper AVX-512 half of registers 0-15 (description <c>zmmh_reg</c>, version 1): lanes 4 to 7.</summary>
[VmState("zmmh_reg", Version = 1, MinimumVersion = 1, DumpSize = ZmmReg.CSize)]
public sealed partial class ZmmhRegView(ZmmReg register)
{
    [VmStateField("_q_ZMMReg[4]")]
    private ulong Q4 { get => register.Q[4]; set => register.Q[4] = value; }

    [VmStateField("_q_ZMMReg[5]")]
    private ulong Q5 { get => register.Q[5]; set => register.Q[5] = value; }

    [VmStateField("_q_ZMMReg[6]")]
    private ulong Q6 { get => register.Q[6]; set => register.Q[6] = value; }

    [VmStateField("_q_ZMMReg[7]")]
    private ulong Q7 { get => register.Q[7]; set => register.Q[7] = value; }
}

/// <summary>A whole AVX-512 register 16-31 (description <c>hi16_zmm_reg</c>, version 1): all eight lanes.</summary>
[VmState("hi16_zmm_reg", Version = 1, MinimumVersion = 1, DumpSize = ZmmReg.CSize)]
public sealed partial class Hi16ZmmRegView(ZmmReg register)
{
    [VmStateField("_q_ZMMReg[0]")]
    private ulong Q0 { get => register.Q[0]; set => register.Q[0] = value; }

    [VmStateField("_q_ZMMReg[1]")]
    private ulong Q1 { get => register.Q[1]; set => register.Q[1] = value; }

    [VmStateField("_q_ZMMReg[2]")]
    private ulong Q2 { get => register.Q[2]; set => register.Q[2] = value; }

    [VmStateField("_q_ZMMReg[3]")]
    private ulong Q3 { get => register.Q[3]; set => register.Q[3] = value; }

    [VmStateField("_q_ZMMReg[4]")]
    private ulong Q4 { get => register.Q[4]; set => register.Q[4] = value; }

    [VmStateField("_q_ZMMReg[5]")]
    private ulong Q5 { get => register.Q[5]; set => register.Q[5] = value; }

    [VmStateField("_q_ZMMReg[6]")]
    private ulong Q6 { get => register.Q[6]; set => register.Q[6] = value; }

    [VmStateField("_q_ZMMReg[7]")]
    private ulong Q7 { get => register.Q[7]; set => register.Q[7] = value; }
}
