using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>An MPX bound register (QEMU's <c>BNDReg</c>, description <c>bnd_regs</c>, version 1): lower and upper bound.</summary>
[VmState("bnd_regs", Version = 1, MinimumVersion = 1, DumpSize = 16)]
public partial struct BndReg
{
    /// <summary>Lower bound.</summary>
    [VmStateField("lb")]
    public ulong Lower;

    /// <summary>Upper bound (kept in one's complement, as the hardware does).</summary>
    [VmStateField("ub")]
    public ulong Upper;

    /// <summary>True when either bound is set.</summary>
    public readonly bool IsInUse => Lower != 0 || Upper != 0;
}
