using VmState.Description;

namespace VmState.Runtime.Tests.Encoding;

/// <summary><c>int32 le</c> and the <c>*_EQUAL</c> kinds: plain big-endian on the wire, checked on load.</summary>
public sealed class CheckedEncodingTests
{
    private const string CheckedHex =
        "00 00 00 03 | 12 | 34 56 | 78 9a bc de | ff ff ff f9 | 01 02 03 04 05 06 07 08";

    private static CheckedDev Local(int ver) =>
        new() { Ver = ver, E8 = 0x12, E16 = 0x3456, E32 = 0x789abcde, EI32 = -7, E64 = 0x0102030405060708 };

    [Fact]
    public void Checked_fields_save_as_plain_integers()
    {
        Hex.AssertSaves(Local(3), CheckedHex);
    }

    [Fact]
    public void Int32_le_stores_an_incoming_value_not_above_the_local_one()
    {
        CheckedDev loaded = Local(5);
        VmStateSerializer.Load(loaded, Hex.Bytes(CheckedHex));
        Assert.Equal(3, loaded.Ver);
    }

    [Fact]
    public void Int32_le_accepts_zero_and_an_equal_value()
    {
        CheckedDev equal = Local(3);
        VmStateSerializer.Load(equal, Hex.Bytes(CheckedHex));
        Assert.Equal(3, equal.Ver);

        CheckedDev zero = Local(3);
        byte[] input = Hex.Bytes(CheckedHex);
        input[3] = 0;
        VmStateSerializer.Load(zero, input);
        Assert.Equal(0, zero.Ver);
    }

    [Fact]
    public void Equal_fields_accept_identical_values_and_keep_them()
    {
        CheckedDev loaded = Local(3);
        VmStateSerializer.Load(loaded, Hex.Bytes(CheckedHex));
        Assert.Equal(0x12, loaded.E8);
        Assert.Equal(0x3456, loaded.E16);
        Assert.Equal(0x789abcdeu, loaded.E32);
        Assert.Equal(-7, loaded.EI32);
        Assert.Equal(0x0102030405060708ul, loaded.E64);
    }

    [Fact]
    public void Equal_kinds_have_qemu_type_names()
    {
        string json = VmStateSerializer.Describe(Local(3));
        Assert.Contains("{\"name\": \"ver\", \"type\": \"int32 le\", \"size\": 4}", json, StringComparison.Ordinal);
        Assert.Contains("{\"name\": \"e8\", \"type\": \"uint8 equal\", \"size\": 1}", json, StringComparison.Ordinal);
        Assert.Contains("{\"name\": \"e16\", \"type\": \"uint16 equal\", \"size\": 2}", json, StringComparison.Ordinal);
        Assert.Contains("{\"name\": \"e32\", \"type\": \"uint32 equal\", \"size\": 4}", json, StringComparison.Ordinal);
        Assert.Contains("{\"name\": \"ei32\", \"type\": \"int32 equal\", \"size\": 4}", json, StringComparison.Ordinal);
        Assert.Contains("{\"name\": \"e64\", \"type\": \"int64 equal\", \"size\": 8}", json, StringComparison.Ordinal);
    }
}
