using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>
/// One variable-range MTRR pair (QEMU's <c>MTRRVar</c>, description <c>mtrr_var</c>, version 1): the
/// <c>IA32_MTRR_PHYSBASEn</c> and <c>IA32_MTRR_PHYSMASKn</c> MSRs.
/// </summary>
[VmState("mtrr_var", Version = 1, MinimumVersion = 1, DumpSize = 16)]
public partial struct MtrrVar
{
    /// <summary>Base address and memory type.</summary>
    [VmStateField("base")]
    public ulong Base;

    /// <summary>Range mask and valid bit.</summary>
    [VmStateField("mask")]
    public ulong Mask;
}
