namespace VmState.Benchmarks.HandWritten;

public static partial class DeviceFixtures
{
    /// <summary>A register file with random values in every field.</summary>
    public static RegisterFile FilledRegisterFile(int seed)
    {
        var rng = new Random(seed);
        var dev = new RegisterFile { Ctrl = (uint)rng.Next(), Status = (uint)rng.Next(), Irq = true, Clock = rng.NextInt64() };
        for (int i = 0; i < dev.Regs.Length; i++)
        {
            dev.Regs[i] = (uint)rng.Next();
        }

        rng.NextBytes(dev.Ring);
        for (int i = 0; i < dev.Phy.Length; i++)
        {
            dev.Phy[i] = (ushort)rng.Next();
        }

        foreach (Channel c in dev.Channels)
        {
            c.Base = (ulong)rng.NextInt64();
            c.Length = (uint)rng.Next();
            c.Head = (ushort)rng.Next();
            c.Tail = (ushort)rng.Next();
        }

        return dev;
    }
}
