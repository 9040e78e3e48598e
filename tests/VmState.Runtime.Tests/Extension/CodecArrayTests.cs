using VmState.Codecs;
using VmState.Wire;

namespace VmState.Runtime.Tests.Extension;

/// <summary>The array members of a codec: the default element loop, the bulk overrides, and the element index on errors.</summary>
public sealed class CodecArrayTests
{
    [Fact]
    public void The_default_loop_saves_each_element_with_the_codec()
    {
        VmTimer[] timers = [new VmTimer(5), VmTimer.NotArmed];
        var buffer = new byte[16];
        var writer = new VmStateWriter(buffer);
        SaveAll<TimerCodec, VmTimer>(ref writer, timers);
        writer.Flush();
        Assert.Equal("0000000000000005ffffffffffffffff", Hex.Of(buffer));
    }

    [Fact]
    public void The_default_loop_reports_the_element_it_failed_at()
    {
        byte[] input = Hex.Bytes("00 00 00 00 00 00 00 05 | 00 00 00");
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() =>
        {
            var reader = new VmStateReader(input);
            var timers = new VmTimer[2];
            LoadAll<TimerCodec, VmTimer>(ref reader, timers);
        });

        // The enclosing field's annotation picks the recorded index up.
        e.PrependField("timers", -1);
        Assert.Equal("timers[1]", e.FieldPath);
        Assert.Equal(8, e.Offset);
    }

    [Fact]
    public void A_bulk_override_writes_the_same_bytes_as_the_element_loop()
    {
        uint[] values = [0xdeadbeef, 1, 0x01020304];
        var bulk = new byte[12];
        var w1 = new VmStateWriter(bulk);
        SaveAll<UInt32Codec, uint>(ref w1, values);
        w1.Flush();

        var each = new byte[12];
        var w2 = new VmStateWriter(each);
        foreach (uint v in values)
        {
            UInt32Codec.Save(ref w2, v);
        }

        w2.Flush();
        Assert.Equal(Hex.Of(each), Hex.Of(bulk));
        Assert.Equal("deadbeef0000000101020304", Hex.Of(bulk));
    }

    [Fact]
    public void A_hint_is_added_to_a_failed_check_only()
    {
        var check = Assert.Throws<VmStateLoadException>(() =>
        {
            var reader = new VmStateReader(Hex.Bytes("00 00 00 02"));
            uint local = 1;
            UInt32EqualCodec.Load(ref reader, ref local);
        });
        Assert.True(check.IsCheckFailure);
        Assert.False(check.AddHint("wrong magic"));
        Assert.False(check.AddHint("wrong magic"));
        Assert.Equal("Incoming value 2 differs from local value 1 (wrong magic)", check.Reason);

        var truncated = Assert.Throws<VmStateLoadException>(() =>
        {
            var reader = new VmStateReader(Hex.Bytes("00"));
            uint local = 1;
            UInt32EqualCodec.Load(ref reader, ref local);
        });
        Assert.False(truncated.IsCheckFailure);
        truncated.AddHint("wrong magic");
        Assert.DoesNotContain("wrong magic", truncated.Reason, StringComparison.Ordinal);
    }

    private static void SaveAll<TCodec, T>(ref VmStateWriter writer, T[] values)
        where TCodec : IVmStateCodec<TCodec, T> => TCodec.SaveArray(ref writer, values);

    private static void LoadAll<TCodec, T>(ref VmStateReader reader, T[] values)
        where TCodec : IVmStateCodec<TCodec, T> => TCodec.LoadArray(ref reader, values);
}
