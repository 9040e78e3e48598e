using System.Buffers;
using VmState.Description;
using VmState.Runtime.Tests.Allocation;
using VmState.Wire;

namespace VmState.Runtime.Tests.Wire;

/// <summary>The writer over outputs that hand out small spans, and over a fixed span that is too small.</summary>
public sealed class WriterTests
{
    // An IBufferWriter that gives out exactly what is asked for (at least one byte), as the contract allows.
    private sealed class StingyWriter : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public byte[] Written => [.. _written];

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count).ToArray());

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    [Fact]
    public void Save_through_a_stingy_buffer_writer_gives_the_same_bytes()
    {
        AllocDev dev = AllocationFreeTests.Sample();
        var stingy = new StingyWriter();
        VmStateSerializer.Save(dev, stingy);
        Assert.Equal(Hex.Of(VmStateSerializer.Save(dev)), Hex.Of(stingy.Written));
    }

    [Fact]
    public void Large_arrays_are_written_in_chunks_with_the_same_bytes()
    {
        var dev = new AllocDev { N = 64, Len = 256 };
        dev.Ring.AsSpan().Fill(0x0102030405060708);
        var small = new ArrayBufferWriter<byte>(1);
        VmStateSerializer.Save(dev, small);
        byte[] saved = VmStateSerializer.Save(dev);
        Assert.Equal(saved, small.WrittenSpan.ToArray());
        Assert.Equal(VmStateSerializer.SizeOf(dev), saved.Length);
    }

    [Fact]
    public void Span_writer_that_is_too_small_is_a_save_error()
    {
        var dev = new MyDev { SubNeeded = true };
        int size = VmStateSerializer.SizeOf(dev);
        byte[] buffer = new byte[size - 1];
        VmStateSaveException? error = null;
        try
        {
            var writer = new VmStateWriter(buffer.AsSpan());
            dev.SaveVmState(ref writer);
        }
        catch (VmStateSaveException e)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.Equal("sub/x", error.FieldPath);
    }

    [Fact]
    public void Span_writer_of_the_exact_size_is_enough()
    {
        var dev = new MyDev { A = 1, SubNeeded = true };
        byte[] buffer = new byte[VmStateSerializer.SizeOf(dev)];
        var writer = new VmStateWriter(buffer.AsSpan());
        dev.SaveVmState(ref writer);
        Assert.Equal(buffer.Length, writer.Position);
        Assert.Equal(VmStateSerializer.Save(dev), buffer);
    }

    [Fact]
    public void Counted_string_longer_than_255_bytes_is_a_save_error()
    {
        var output = new ArrayBufferWriter<byte>();
        bool threw = false;
        try
        {
            var writer = new VmStateWriter(output);
            writer.WriteCountedString(new string('x', 256));
        }
        catch (VmStateSaveException)
        {
            threw = true;
        }

        Assert.True(threw);
    }
}
