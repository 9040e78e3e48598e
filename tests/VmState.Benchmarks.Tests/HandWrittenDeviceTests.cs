using MemoryPack;
using VmState.Benchmarks.HandWritten;
using VmState.Benchmarks.Packed;
using VmState.Description;
using VmState.Qemu.E1000;
using VmState.Qemu.X86;


namespace VmState.Benchmarks.Tests;

/// <summary>
/// The device benchmarks' anchors must do the generated code's work: the hand-written code reads the generated
/// bytes and writes them back unchanged, and MemoryPack carries the same state.
/// </summary>
public sealed class HandWrittenDeviceTests
{
    public static TheoryData<string> E1000States => ["rich", "sparse"];

    private static E1000Nic E1000(string state) => state == "rich" ? DeviceStates.RichE1000() : DeviceStates.SparseE1000();

    [Theory]
    [MemberData(nameof(E1000States))]
    public void E1000_by_hand_reads_and_rewrites_the_generated_bytes(string state)
    {
        E1000Nic nic = E1000(state);
        byte[] generated = VmStateSerializer.Save(nic);
        E1000Plain plain = DeviceFixtures.PlainLike(nic);
        E1000ByHand.Load(plain, generated, E1000ByHand.Version);

        byte[] buffer = new byte[E1000ByHand.MaxSize];
        int length = E1000ByHand.Save(plain, buffer);
        Assert.Equal(generated, buffer.AsSpan(0, length).ToArray());
        Assert.Equal(nic.LinkDown, plain.LinkDown);
    }

    [Fact]
    public void E1000_subsection_counts_differ_between_the_states()
    {
        int rich = VmStateSerializer.Save(DeviceStates.RichE1000()).Length;
        int sparse = VmStateSerializer.Save(DeviceStates.SparseE1000()).Length;
        Assert.True(rich > sparse + (E1000Plain.MacRegCount * 4), $"{rich} vs {sparse}");
    }

    [Fact]
    public void E1000_by_hand_refuses_a_version_below_the_minimum()
    {
        byte[] generated = VmStateSerializer.Save(DeviceStates.RichE1000());
        Assert.Throws<InvalidDataException>(() => E1000ByHand.Load(new E1000Plain(), generated, 0));
    }

    [Fact]
    public void E1000_by_hand_refuses_an_unknown_subsection_of_its_own()
    {
        E1000Nic nic = DeviceStates.SparseE1000();
        byte[] generated = VmStateSerializer.Save(nic);
        byte[] bad = generated.ToArray();
        int at = bad.AsSpan().IndexOf("e1000/mit_state"u8);
        bad[at + 6] = (byte)'x'; // "e1000/xit_state"
        Assert.Throws<InvalidDataException>(() => E1000ByHand.Load(DeviceFixtures.PlainLike(nic), bad, E1000ByHand.Version));
    }

    [Theory]
    [MemberData(nameof(E1000States))]
    public void E1000_pack_round_trips_the_same_state(string state)
    {
        E1000Nic nic = E1000(state);
        byte[] generated = VmStateSerializer.Save(nic);
        E1000Plain plain = DeviceFixtures.PlainOf(nic);

        byte[] packed = MemoryPackSerializer.Serialize(E1000Pack.From(plain));
        E1000Pack? back = MemoryPackSerializer.Deserialize<E1000Pack>(packed);
        Assert.NotNull(back);

        byte[] buffer = new byte[E1000ByHand.MaxSize];
        int length = E1000ByHand.Save(back.ToPlain(), buffer);
        Assert.Equal(generated, buffer.AsSpan(0, length).ToArray());
    }

    public static TheoryData<string> X86CpuStates => ["rich", "sparse"];

    private static X86Cpu Cpu(string state) => state == "rich" ? DeviceStates.RichX86Cpu() : DeviceStates.SparseX86Cpu();

    [Theory]
    [MemberData(nameof(X86CpuStates))]
    public void X86Cpu_by_hand_reads_and_rewrites_the_generated_bytes(string state)
    {
        X86Cpu cpu = Cpu(state);
        byte[] generated = VmStateSerializer.Save(cpu);
        X86CpuPlain plain = DeviceFixtures.PlainLike(cpu);
        X86CpuByHand.Load(plain, generated, X86CpuByHand.Version);

        byte[] buffer = new byte[X86CpuByHand.MaxSize];
        int length = X86CpuByHand.Save(plain, buffer);
        Assert.Equal(generated, buffer.AsSpan(0, length).ToArray());

        // What the post-load hooks derive agrees with the device's own model.
        Assert.Equal(cpu.Fpstt, plain.Fpstt);
        Assert.Equal(cpu.Fpus, plain.Fpus);
        Assert.Equal(cpu.FpTags, plain.FpTags);
        Assert.Equal(cpu.Hflags, plain.Hflags);
    }

    [Fact]
    public void X86Cpu_states_are_fixed_points_of_the_generated_code()
    {
        foreach (X86Cpu cpu in new[] { DeviceStates.RichX86Cpu(), DeviceStates.SparseX86Cpu() })
        {
            byte[] generated = VmStateSerializer.Save(cpu);
            var copy = new X86Cpu { Features = cpu.Features, EnableLmce = cpu.EnableLmce, HasNestedState = cpu.HasNestedState };
            VmStateSerializer.Load(copy, generated, X86CpuByHand.Version);
            Assert.Equal(generated, VmStateSerializer.Save(copy));
        }
    }

    [Fact]
    public void X86Cpu_rich_state_needs_every_subsection_and_sparse_few()
    {
        byte[] rich = VmStateSerializer.Save(DeviceStates.RichX86Cpu());
        byte[] sparse = VmStateSerializer.Save(DeviceStates.SparseX86Cpu());
        var names = X86Cpu.VmStateDescription.Subsections.Select(d => System.Text.Encoding.ASCII.GetBytes(d.Name)).ToList();
        Assert.Equal(43, names.Count);
        Assert.All(names, n => Assert.True(rich.AsSpan().IndexOf(n) >= 0, System.Text.Encoding.ASCII.GetString(n)));
        Assert.True(rich.AsSpan().IndexOf("cpu/kvm_nested_state/vmx/shadow_vmcs12"u8) >= 0);
        Assert.InRange(names.Count(n => sparse.AsSpan().IndexOf(n) >= 0), 1, 3);
    }

    [Fact]
    public void X86Cpu_by_hand_reads_version_11_and_refuses_10()
    {
        X86Cpu cpu = DeviceStates.SparseX86Cpu();
        byte[] generated = VmStateSerializer.Save(cpu);
        Assert.Throws<InvalidDataException>(() => X86CpuByHand.Load(DeviceFixtures.PlainLike(cpu), generated, 10));

        // Version 11 lacks XCR0, XSTATE_BV and the upper YMM halves: cut them out of a version 12 stream.
        int mainLength = generated.AsSpan().IndexOf("\u0005\u0014cpu/poll_control_msr"u8);
        Assert.True(mainLength > 0);
        byte[] v11 = [.. generated.AsSpan(0, mainLength - (16 + (16 * 16))), .. generated.AsSpan(mainLength)];
        var plain = DeviceFixtures.PlainLike(cpu);
        X86CpuByHand.Load(plain, v11, 11);
        Assert.Equal(cpu.Regs, plain.Regs);
        Assert.Equal(cpu.WallClockMsr, plain.WallClockMsr);
        Assert.Equal(cpu.PollControlMsr, plain.PollControlMsr);
    }

    [Theory]
    [MemberData(nameof(X86CpuStates))]
    public void X86Cpu_pack_round_trips_the_same_state(string state)
    {
        X86Cpu cpu = Cpu(state);
        byte[] generated = VmStateSerializer.Save(cpu);
        X86CpuPlain plain = DeviceFixtures.PlainOf(cpu);

        byte[] packed = MemoryPackSerializer.Serialize(X86CpuPack.From(plain));
        X86CpuPack? back = MemoryPackSerializer.Deserialize<X86CpuPack>(packed);
        Assert.NotNull(back);

        byte[] buffer = new byte[X86CpuByHand.MaxSize];
        int length = X86CpuByHand.Save(back.ToPlain(), buffer);
        Assert.Equal(generated, buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void Hand_written_save_and_load_allocate_nothing()
    {
        E1000Nic nic = DeviceStates.RichE1000();
        X86Cpu cpu = DeviceStates.RichX86Cpu();
        E1000Plain e1000 = DeviceFixtures.PlainOf(nic);
        X86CpuPlain x86 = DeviceFixtures.PlainOf(cpu);
        byte[] e1000Bytes = new byte[E1000ByHand.MaxSize];
        byte[] x86Bytes = new byte[X86CpuByHand.MaxSize];
        int e1000Length = E1000ByHand.Save(e1000, e1000Bytes);
        int x86Length = X86CpuByHand.Save(x86, x86Bytes);
        E1000ByHand.Load(e1000, e1000Bytes.AsSpan(0, e1000Length), E1000ByHand.Version);
        X86CpuByHand.Load(x86, x86Bytes.AsSpan(0, x86Length), X86CpuByHand.Version);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            E1000ByHand.Save(e1000, e1000Bytes);
            E1000ByHand.Load(e1000, e1000Bytes.AsSpan(0, e1000Length), E1000ByHand.Version);
            X86CpuByHand.Save(x86, x86Bytes);
            X86CpuByHand.Load(x86, x86Bytes.AsSpan(0, x86Length), X86CpuByHand.Version);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
