using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>
/// A segment register's hidden part as the CPU caches it (QEMU's <c>SegmentCache</c>, description <c>segment</c>,
/// version 1): the selector, the base address (64-bit on x86-64), the limit and the descriptor flags (type, S, DPL,
/// P, AVL, L, D/B and G bits kept where the descriptor's second word has them). <see cref="VmStateAttribute.DumpSize"/>
/// is the C <c>sizeof</c> on x86-64 (4 + 4 padding + 8 + 4 + 4).
/// </summary>
[VmState("segment", Version = 1, MinimumVersion = 1, DumpSize = 24)]
public partial struct SegmentCache
{
    /// <summary>Bit position of the descriptor privilege level inside <see cref="Flags"/>.</summary>
    public const int DplShift = 13;

    /// <summary>The DPL bits inside <see cref="Flags"/>.</summary>
    public const uint DplMask = 3u << DplShift;

    /// <summary>The visible selector.</summary>
    [VmStateField("selector")]
    public uint Selector;

    /// <summary>Linear base address.</summary>
    [VmStateField("base")]
    public ulong Base;

    /// <summary>Segment limit in bytes (already scaled by the granularity bit).</summary>
    [VmStateField("limit")]
    public uint Limit;

    /// <summary>Descriptor attribute bits.</summary>
    [VmStateField("flags")]
    public uint Flags;

    /// <summary>The descriptor privilege level (0-3).</summary>
    public readonly int Dpl => (int)((Flags >> DplShift) & 3);

    /// <summary>A segment with the given parts.</summary>
    public SegmentCache(uint selector, ulong @base, uint limit, uint flags)
    {
        Selector = selector;
        Base = @base;
        Limit = limit;
        Flags = flags;
    }
}
