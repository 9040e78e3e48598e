using VmState.Codecs;
using VmState.Description;
using VmState.Wire;

namespace VmState.Runtime.Tests.Encoding;

/// <summary>Fixed arrays, variable arrays with each count width, and byte buffers.</summary>
public sealed class ArrayEncodingTests
{
    private const string FixedHex =
        "00 01 00 02 ff fe " +                              // w: uint16[3]
        "ff ff ff ff 10 20 30 40 " +                        // s: int32[2]
        "00 00 00 00 00 00 00 01 ff ff ff ff ff ff ff ff " + // q: uint64[2]
        "01 00 01 " +                                       // flags: bool[3]
        "12 34 00 00 " +                                    // modes: enum : ushort [2]
        "00 00 00 00 00 00 00 05 ff ff ff ff ff ff ff ff " + // timers[2]
        "aa bb " +                                          // bytes: uint8[2] (AsArray)
        "ff fe 00 03";                                      // sub: short[1..3)

    [Fact]
    public void Fixed_arrays_are_elements_back_to_back()
    {
        var dev = new FixedArrays
        {
            W = [1, 2, 0xfffe],
            S = [-1, 0x10203040],
            Q = [1, ulong.MaxValue],
            Flags = [true, false, true],
            Modes = [Mode.On, Mode.Off],
            Timers = [new VmTimer(5), VmTimer.NotArmed],
            Bytes = [0xaa, 0xbb],
            Sub = [9, -2, 3, 9],
        };
        Hex.AssertSaves(dev, FixedHex);
    }

    [Fact]
    public void Fixed_arrays_load_into_a_fresh_instance()
    {
        var loaded = new FixedArrays();
        VmStateSerializer.Load(loaded, Hex.Bytes(FixedHex));
        Assert.Equal(new ushort[] { 1, 2, 0xfffe }, loaded.W);
        Assert.Equal(new[] { -1, 0x10203040 }, loaded.S);
        Assert.Equal(new[] { 1ul, ulong.MaxValue }, loaded.Q);
        Assert.Equal(new[] { true, false, true }, loaded.Flags);
        Assert.Equal(new[] { Mode.On, Mode.Off }, loaded.Modes);
        Assert.Equal(5, loaded.Timers[0].ExpireTime);
        Assert.False(loaded.Timers[1].IsArmed);
        Assert.Equal(new byte[] { 0xaa, 0xbb }, loaded.Bytes);

        // Only elements [1, 3) of the sub-array are on the wire; the others are untouched.
        Assert.Equal(new short[] { 0, -2, 3, 0 }, loaded.Sub);
    }

    [Fact]
    public void Fixed_array_load_reuses_the_existing_array()
    {
        var loaded = new FixedArrays();
        ushort[] w = loaded.W;
        short[] sub = [100, 0, 0, 101];
        loaded.Sub = sub;
        VmStateSerializer.Load(loaded, Hex.Bytes(FixedHex));
        Assert.Same(w, loaded.W);
        Assert.Same(sub, loaded.Sub);
        Assert.Equal(new short[] { 100, -2, 3, 101 }, loaded.Sub);
    }

    private const string VarHex =
        "00 00 00 02 | 11 11 11 11 22 22 22 22 " +   // int32 count, uint32[2]
        "03 | 00 01 00 02 00 03 " +                    // uint8 count, uint16[3]
        "00 01 | ff ff ff ff ff ff ff ff " +           // uint16 count, int64[1]
        "00 00 00 02 | 00 05 ff fa";                   // uint32 count, int16[2]

    [Fact]
    public void Variable_arrays_take_their_length_from_each_count_width()
    {
        var dev = new VarArrays
        {
            NI32 = 2,
            AI32 = [0x11111111, 0x22222222],
            NU8 = 3,
            AU8 = [1, 2, 3],
            NU16 = 1,
            AU16 = [-1],
            NU32 = 2,
            AU32 = [5, -6, 7], // longer than the count: only the first two are sent
        };
        Hex.AssertSaves(dev, VarHex);
    }

    [Fact]
    public void Variable_arrays_load_with_the_counts_read_just_before()
    {
        var loaded = new VarArrays();
        VmStateSerializer.Load(loaded, Hex.Bytes(VarHex));
        Assert.Equal(2, loaded.NI32);
        Assert.Equal(new uint[] { 0x11111111, 0x22222222 }, loaded.AI32);
        Assert.Equal(3, loaded.NU8);
        Assert.Equal(new ushort[] { 1, 2, 3 }, loaded.AU8);
        Assert.Equal(1, loaded.NU16);
        Assert.Equal(new long[] { -1 }, loaded.AU16);
        Assert.Equal(2u, loaded.NU32);
        Assert.Equal(new short[] { 5, -6 }, loaded.AU32);
    }

    [Fact]
    public void Variable_arrays_with_zero_counts_take_no_bytes()
    {
        byte[] saved = Hex.AssertSaves(new VarArrays(), "00 00 00 00 | 00 | 00 00 | 00 00 00 00");
        var loaded = new VarArrays { AI32 = [9] };
        VmStateSerializer.Load(loaded, saved);
        Assert.Equal(0, loaded.NI32);
    }

    [Fact]
    public void Variable_array_load_reuses_an_array_that_is_large_enough()
    {
        var loaded = new VarArrays { AU8 = new ushort[8] };
        ushort[] before = loaded.AU8;
        VmStateSerializer.Load(loaded, Hex.Bytes(VarHex));
        Assert.Same(before, loaded.AU8);
        Assert.Equal(new ushort[] { 1, 2, 3 }, loaded.AU8[..3]);
    }

    private const string BufferHex =
        "de ad be ef " +       // fixed[4]
        "02 03 04 " +          // partial: bytes [2, 5)
        "00 00 00 05 " +       // len
        "68 65 6c 6c 6f";      // data: "hello", size from len

    [Fact]
    public void Buffers_fixed_partial_and_sized_by_another_field()
    {
        var dev = new Buffers
        {
            Fixed = [0xde, 0xad, 0xbe, 0xef],
            Partial = [0, 1, 2, 3, 4, 5, 6, 7],
            Len = 5,
            Data = "hello"u8.ToArray(),
        };
        Hex.AssertSaves(dev, BufferHex);
    }

    [Fact]
    public void Buffers_load_into_a_fresh_instance()
    {
        var loaded = new Buffers();
        VmStateSerializer.Load(loaded, Hex.Bytes(BufferHex));
        Assert.Equal(new byte[] { 0xde, 0xad, 0xbe, 0xef }, loaded.Fixed);
        Assert.Equal(new byte[] { 0, 0, 2, 3, 4, 0, 0, 0 }, loaded.Partial);
        Assert.Equal(5u, loaded.Len);
        Assert.Equal("hello"u8.ToArray(), loaded.Data);
    }

    [Fact]
    public void Save_fails_when_a_count_exceeds_its_array()
    {
        var dev = new VarArrays { NU8 = 4, AU8 = [1, 2] };
        VmStateSaveException e = Assert.Throws<VmStateSaveException>(() => VmStateSerializer.Save(dev));
        Assert.Equal("k-varray", e.Description);
        Assert.Equal("a_u8", e.FieldPath);
    }
}
