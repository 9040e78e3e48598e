using VmState.Benchmarks.HandWritten;
using VmState.Qemu.E1000;
using VmState.Qemu.X86;

namespace VmState.Benchmarks.Tests;

/// <summary>The filled devices of the benchmarks: the tests check the very state the benchmarks measure.</summary>
internal static class DeviceStates
{
    public const int Seed = 1234;

    /// <summary>Every subsection needed.</summary>
    public static E1000Nic RichE1000() => DeviceFixtures.FilledE1000(Seed);

    /// <summary>One subsection needed.</summary>
    public static E1000Nic SparseE1000() => DeviceFixtures.SparseE1000(Seed);

    /// <summary>All 43 subsections needed.</summary>
    public static X86Cpu RichX86Cpu() => DeviceFixtures.FilledX86Cpu(Seed);

    /// <summary>Two subsections needed.</summary>
    public static X86Cpu SparseX86Cpu() => DeviceFixtures.SparseX86Cpu(Seed);
}
