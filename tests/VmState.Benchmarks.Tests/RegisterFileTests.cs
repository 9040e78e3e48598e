using VmState.Description;

namespace VmState.Benchmarks.Tests;

/// <summary>The benchmark's anchors must write the very bytes the generated code writes, or the ratios compare unlike work.</summary>
public sealed class RegisterFileTests
{
    private static RegisterFile Filled()
    {
        var rng = new Random(7);
        var dev = new RegisterFile { Ctrl = 0x01020304, Status = 0xa0b0c0d0, Irq = true, Clock = -5 };
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

    [Fact]
    public void Hand_written_save_writes_the_generated_bytes()
    {
        RegisterFile dev = Filled();
        byte[] generated = VmStateSerializer.Save(dev);
        var buffer = new byte[4096];
        int length = dev.SaveByHand(buffer);
        Assert.Equal(generated, buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void Hand_written_load_reads_back_what_the_generated_code_saved()
    {
        RegisterFile dev = Filled();
        byte[] generated = VmStateSerializer.Save(dev);
        var copy = new RegisterFile();
        copy.LoadByHand(generated);
        Assert.Equal(generated, VmStateSerializer.Save(copy));
    }
}
