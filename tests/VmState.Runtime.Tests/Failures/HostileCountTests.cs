using VmState.Description;
using VmState.Runtime.Tests.Encoding;
using VmState.Wire;

namespace VmState.Runtime.Tests.Failures;

/// <summary>Counts taken from the stream never cause a large allocation or a non-load exception.</summary>
public sealed class HostileCountTests
{
    [Theory]
    [InlineData("ff ff ff ff", 0)]                          // n_i32 = -1
    [InlineData("80 00 00 00", 0)]                          // n_i32 = int.MinValue
    [InlineData("00 00 00 00 | 00 | 00 00 | ff ff ff ff", 7)] // n_u32 = 4294967295: beyond int
    public void Out_of_range_counts_are_load_errors(string hex, long offset)
    {
        var dev = new VarArrays();
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes(hex)));
        Assert.InRange(e.Offset, offset, offset + 4);
        Assert.Equal("k-varray", e.Description);
    }

    [Theory]
    [InlineData("7f ff ff ff | 00 00 00 01", "a_i32", 4)]
    [InlineData("00 00 00 00 | ff | 00 01", "a_u8", 5)]
    [InlineData("00 00 00 00 | 00 | ff ff | 00", "a_u16", 7)]
    [InlineData("00 00 00 00 | 00 | 00 00 | 7f ff ff ff | 00 01", "a_u32", 11)]
    public void Counts_larger_than_the_input_fail_before_allocating(string hex, string field, long offset)
    {
        var dev = new VarArrays();
        long before = GC.GetAllocatedBytesForCurrentThread();
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes(hex)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(e.IsEndOfInput);
        Assert.Equal(field, e.FieldPath);
        Assert.Equal(offset, e.Offset);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Buffer_size_larger_than_the_input_fails_before_allocating()
    {
        var dev = new Buffers();
        byte[] input = Hex.Bytes("00 00 00 00 | 00 00 00 | 7f ff ff f0 | 01 02");
        long before = GC.GetAllocatedBytesForCurrentThread();
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, input));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
        Assert.Equal("data", e.FieldPath);
        Assert.Equal(11, e.Offset);
    }
}
