using System.Buffers;
using VmState.Codecs;
using VmState.Description;
using VmState.Runtime.Tests.Encoding;
using VmState.Wire;

namespace VmState.Runtime.Tests.Allocation;

/// <summary>After warm-up, save into preallocated storage and load into existing arrays allocate nothing.</summary>
public sealed class AllocationFreeTests
{
    private const int WarmUp = 200;
    private const int Measured = 100;

    internal static AllocDev Sample()
    {
        var dev = new AllocDev
        {
            N = 40,
            Len = 200,
            Timer = new VmTimer(123456789),
            Modes = [Mode.On, Mode.Off, Mode.On, (Mode)7],
            Timers = [new VmTimer(1), VmTimer.NotArmed],
            In = new Inner { X = 5, E = 6, ExtraNeeded = true },
            Inners = [new Inner { X = 7 }, new Inner { X = 8, E = 9, ExtraNeeded = true }],
            F = Math.PI,
            X = -99,
            Y = -3,
            LessNeeded = true,
            Packed1 = 0x1234,
            Packed2 = 0x5678,
        };
        for (int i = 0; i < dev.Regs.Length; i++)
        {
            dev.Regs[i] = (uint)(i * 0x01010101);
        }

        for (int i = 0; i < dev.Ring.Length; i++)
        {
            dev.Ring[i] = (ulong)i << 40;
        }

        Random.Shared.NextBytes(dev.Buf);
        Random.Shared.NextBytes(dev.Mac);
        Random.Shared.NextBytes(dev.MoreBuf);
        for (int i = 0; i < dev.Pts.Length; i++)
        {
            dev.Pts[i] = new Point { X = i, Y = -i };
        }

        return dev;
    }

    // A blank target with the same non-migrated configuration (which subsections its needed() predicates ask for).
    internal static AllocDev Blank() => new()
    {
        In = new Inner { ExtraNeeded = true },
        Inners = [new Inner(), new Inner { ExtraNeeded = true }],
        LessNeeded = true,
    };

    private static long Measure(Action<int> action)
    {
        for (int i = 0; i < WarmUp; i++)
        {
            action(i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Measured; i++)
        {
            action(i);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Sample_device_round_trips()
    {
        AllocDev dev = Sample();
        byte[] saved = VmStateSerializer.Save(dev);
        Assert.Equal(saved.Length, VmStateSerializer.SizeOf(dev));
        AllocDev copy = Blank();
        VmStateSerializer.Load(copy, saved);
        Assert.Equal(Hex.Of(saved), Hex.Of(VmStateSerializer.Save(copy)));
        Assert.Equal(0x1234, copy.Packed1);
        Assert.Equal(-3, copy.Y);
        Assert.Equal(2, copy.LastVersion);
    }

    [Fact]
    public void Save_into_a_preallocated_buffer_writer_allocates_nothing()
    {
        AllocDev dev = Sample();
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        long allocated = Measure(_ =>
        {
            output.ResetWrittenCount();
            VmStateSerializer.Save(dev, output);
        });
        Assert.Equal(0, allocated);
        Assert.Equal(VmStateSerializer.Save(dev), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Save_into_a_span_writer_allocates_nothing()
    {
        AllocDev dev = Sample();
        byte[] buffer = new byte[8 * 1024];
        long written = 0;
        long allocated = Measure(_ =>
        {
            var writer = new VmStateWriter(buffer.AsSpan());
            dev.SaveVmState(ref writer);
            written = writer.Position;
        });
        Assert.Equal(0, allocated);
        Assert.Equal(VmStateSerializer.Save(dev), buffer[..(int)written]);
    }

    [Fact]
    public void Load_into_existing_arrays_allocates_nothing()
    {
        byte[] saved = VmStateSerializer.Save(Sample());
        AllocDev target = Blank();
        VmStateSerializer.Load(target, saved);
        ulong[] ring = target.Ring;
        Inner inner1 = target.Inners[1];

        long allocated = Measure(_ => VmStateSerializer.Load(target, saved));
        Assert.Equal(0, allocated);
        Assert.Same(ring, target.Ring);
        Assert.Same(inner1, target.Inners[1]);
        Assert.Equal(saved, VmStateSerializer.Save(target));
    }

    [Fact]
    public void Load_from_a_multi_segment_sequence_allocates_nothing()
    {
        byte[] saved = VmStateSerializer.Save(Sample());
        ReadOnlySequence<byte> sequence = Wire.Segments.Split(saved, 13);
        AllocDev target = Blank();
        VmStateSerializer.Load(target, saved);

        long allocated = Measure(_ =>
        {
            var reader = new VmStateReader(sequence);
            VmStateSerializer.Load(target, ref reader, 2);
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Size_of_allocates_nothing()
    {
        AllocDev dev = Sample();
        int size = 0;
        long allocated = Measure(_ => size = VmStateSerializer.SizeOf(dev));
        Assert.Equal(0, allocated);
        Assert.Equal(VmStateSerializer.Save(dev).Length, size);
    }
}
