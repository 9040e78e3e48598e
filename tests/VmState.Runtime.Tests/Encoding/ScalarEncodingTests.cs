using VmState.Codecs;
using VmState.Description;

namespace VmState.Runtime.Tests.Encoding;

/// <summary>One device per scalar kind: saved bytes equal QEMU's big-endian encoding, and those bytes load back.</summary>
public sealed class ScalarEncodingTests
{
    [Fact]
    public void Bool_is_one_byte_zero_or_one()
    {
        Hex.AssertSaves(new BoolDev { T = true, F = false }, "01 00");

        var loaded = new BoolDev { T = false, F = true };
        VmStateSerializer.Load(loaded, Hex.Bytes("01 00"));
        Assert.True(loaded.T);
        Assert.False(loaded.F);
    }

    [Fact]
    public void Bool_load_treats_any_nonzero_byte_as_true()
    {
        var loaded = new BoolDev();
        VmStateSerializer.Load(loaded, Hex.Bytes("02 ff"));
        Assert.True(loaded.T);
        Assert.True(loaded.F);
    }

    [Fact]
    public void UInt8()
    {
        Hex.AssertSaves(new U8Dev { A = 0xab, B = 0 }, "ab 00");
        var loaded = new U8Dev { B = 9 };
        VmStateSerializer.Load(loaded, Hex.Bytes("ff 7f"));
        Assert.Equal(0xff, loaded.A);
        Assert.Equal(0x7f, loaded.B);
    }

    [Fact]
    public void UInt16_is_big_endian()
    {
        Hex.AssertSaves(new U16Dev { A = 0x1234 }, "12 34");
        var loaded = new U16Dev();
        VmStateSerializer.Load(loaded, Hex.Bytes("ff 01"));
        Assert.Equal(0xff01, loaded.A);
    }

    [Fact]
    public void UInt32_is_big_endian()
    {
        Hex.AssertSaves(new U32Dev { A = 0xdeadbeef }, "de ad be ef");
        var loaded = new U32Dev();
        VmStateSerializer.Load(loaded, Hex.Bytes("01 02 03 04"));
        Assert.Equal(0x01020304u, loaded.A);
    }

    [Fact]
    public void UInt64_is_big_endian()
    {
        Hex.AssertSaves(new U64Dev { A = 0x0102030405060708 }, "01 02 03 04 05 06 07 08");
        var loaded = new U64Dev();
        VmStateSerializer.Load(loaded, Hex.Bytes("f0 e0 d0 c0 b0 a0 90 80"));
        Assert.Equal(0xf0e0d0c0b0a09080ul, loaded.A);
    }

    [Fact]
    public void Int8_is_twos_complement()
    {
        Hex.AssertSaves(new I8Dev { A = -2, B = 127 }, "fe 7f");
        var loaded = new I8Dev();
        VmStateSerializer.Load(loaded, Hex.Bytes("80 01"));
        Assert.Equal(-128, loaded.A);
        Assert.Equal(1, loaded.B);
    }

    [Fact]
    public void Int16_is_big_endian_twos_complement()
    {
        // QEMU's own test: int16 -512 -> fe 00.
        Hex.AssertSaves(new I16Dev { A = -512, B = 0x0102 }, "fe 00 01 02");
        var loaded = new I16Dev();
        VmStateSerializer.Load(loaded, Hex.Bytes("ff ff 80 00"));
        Assert.Equal(-1, loaded.A);
        Assert.Equal(short.MinValue, loaded.B);
    }

    [Fact]
    public void Int32_is_big_endian_twos_complement()
    {
        Hex.AssertSaves(new I32Dev { A = -3, B = 0x10203040 }, "ff ff ff fd 10 20 30 40");
        var loaded = new I32Dev();
        VmStateSerializer.Load(loaded, Hex.Bytes("80 00 00 00 00 00 01 00"));
        Assert.Equal(int.MinValue, loaded.A);
        Assert.Equal(256, loaded.B);
    }

    [Fact]
    public void Int64_is_big_endian_twos_complement()
    {
        // QEMU's own test: int64 -12121212 -> ff ff ff ff ff 47 0b 84.
        Hex.AssertSaves(new I64Dev { A = -12121212, B = 0x7fffffffffffffff }, "ff ff ff ff ff 47 0b 84 7f ff ff ff ff ff ff ff");
        var loaded = new I64Dev();
        VmStateSerializer.Load(loaded, Hex.Bytes("ff ff ff ff ff ff ff fb 00 00 00 00 00 00 00 2a"));
        Assert.Equal(-5, loaded.A);
        Assert.Equal(42, loaded.B);
    }

    [Fact]
    public void Float64_is_the_ieee_bit_pattern_big_endian()
    {
        Hex.AssertSaves(new F64Dev { A = 1.5, B = -0.0 }, "3f f8 00 00 00 00 00 00 80 00 00 00 00 00 00 00");
        var loaded = new F64Dev();
        // -2.0 and a NaN with a payload: the exact bits survive.
        VmStateSerializer.Load(loaded, Hex.Bytes("c0 00 00 00 00 00 00 00 7f f8 00 00 00 00 00 01"));
        Assert.Equal(-2.0, loaded.A);
        Assert.Equal(0x7ff8000000000001ul, BitConverter.DoubleToUInt64Bits(loaded.B));
    }

    [Fact]
    public void Enums_go_through_their_underlying_type()
    {
        var dev = new EnumDev { M8 = ByteMode.Busy, M16 = Mode.On, M32 = SignedMode.Minus, M64 = WideMode.High };
        Hex.AssertSaves(dev, "a5 | 12 34 | ff ff ff fe | 80 00 00 00 00 00 00 01");

        var loaded = new EnumDev();
        VmStateSerializer.Load(loaded, Hex.Bytes("a5 | 12 34 | 01 02 03 04 | 80 00 00 00 00 00 00 01"));
        Assert.Equal(ByteMode.Busy, loaded.M8);
        Assert.Equal(Mode.On, loaded.M16);
        Assert.Equal(SignedMode.Big, loaded.M32);
        Assert.Equal(WideMode.High, loaded.M64);
    }

    [Fact]
    public void Enum_values_without_a_name_still_round_trip()
    {
        var loaded = new EnumDev();
        VmStateSerializer.Load(loaded, Hex.Bytes("07 | 00 09 | 00 00 00 05 | 00 00 00 00 00 00 00 02"));
        Assert.Equal((ByteMode)7, loaded.M8);
        Assert.Equal((Mode)9, loaded.M16);
        Assert.Equal((SignedMode)5, loaded.M32);
        Assert.Equal((WideMode)2, loaded.M64);
    }

    [Fact]
    public void Timer_is_be64_expiry_or_minus_one_when_not_armed()
    {
        Hex.AssertSaves(new TimerDev { Armed = new VmTimer(0x123456789), Idle = VmTimer.NotArmed },
            "00 00 00 01 23 45 67 89 | ff ff ff ff ff ff ff ff");

        var loaded = new TimerDev { Armed = VmTimer.NotArmed, Idle = new VmTimer(5) };
        VmStateSerializer.Load(loaded, Hex.Bytes("00 00 00 00 00 00 00 00 | ff ff ff ff ff ff ff ff"));
        Assert.True(loaded.Armed.IsArmed);
        Assert.Equal(0, loaded.Armed.ExpireTime);
        Assert.False(loaded.Idle.IsArmed);
        Assert.Equal(-1, loaded.Idle.ExpireTime);
    }

    [Fact]
    public void Default_timer_is_not_armed_and_saves_as_minus_one()
    {
        Hex.AssertSaves(new TimerDev(), "ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff");
    }

    [Fact]
    public void All_primitives_in_one_device_including_a_property()
    {
        var dev = new Primitives
        {
            B1 = true,
            B2 = false,
            U8 = 0xab,
            U16 = 0x1234,
            U32 = 0xdeadbeef,
            U64 = 0x0102030405060708,
            I8 = -2,
            I16 = -512,
            I32 = -3,
            I64 = -12121212,
            F64 = 1.5,
            Mode = Mode.On,
            Timer = new VmTimer(1000),
            Prop = 7,
        };
        const string expected =
            "01 00 ab 12 34 de ad be ef 01 02 03 04 05 06 07 08 " +
            "fe fe 00 ff ff ff fd ff ff ff ff ff 47 0b 84 " +
            "3f f8 00 00 00 00 00 00 12 34 00 00 00 00 00 00 03 e8 00 00 00 07";
        byte[] saved = Hex.AssertSaves(dev, expected);

        var loaded = new Primitives();
        VmStateSerializer.Load(loaded, saved);
        Assert.True(loaded.B1);
        Assert.False(loaded.B2);
        Assert.Equal(0xab, loaded.U8);
        Assert.Equal(0x1234, loaded.U16);
        Assert.Equal(0xdeadbeefu, loaded.U32);
        Assert.Equal(0x0102030405060708ul, loaded.U64);
        Assert.Equal(-2, loaded.I8);
        Assert.Equal(-512, loaded.I16);
        Assert.Equal(-3, loaded.I32);
        Assert.Equal(-12121212, loaded.I64);
        Assert.Equal(1.5, loaded.F64);
        Assert.Equal(Mode.On, loaded.Mode);
        Assert.Equal(1000, loaded.Timer.ExpireTime);
        Assert.Equal(7u, loaded.Prop);
    }
}
