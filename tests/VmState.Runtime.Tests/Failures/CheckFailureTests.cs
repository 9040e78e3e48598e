using VmState.Description;
using VmState.Runtime.Tests.Encoding;
using VmState.Runtime.Tests.Versioning;
using VmState.Wire;

namespace VmState.Runtime.Tests.Failures;

/// <summary>Load-time checks that refuse the input: *_EQUAL, int32 le, VALIDATE and failing hooks.</summary>
public sealed class CheckFailureTests
{
    private const string CheckedHex =
        "00 00 00 03 | 12 | 34 56 | 78 9a bc de | ff ff ff f9 | 01 02 03 04 05 06 07 08";

    private static CheckedDev Local() =>
        new() { Ver = 5, E8 = 0x12, E16 = 0x3456, E32 = 0x789abcde, EI32 = -7, E64 = 0x0102030405060708 };

    [Theory]
    [InlineData("e8", 4)]
    [InlineData("e16", 5)]
    [InlineData("e32", 7)]
    [InlineData("ei32", 11)]
    [InlineData("e64", 15)]
    public void Equal_mismatch_fails_at_the_field(string field, int offset)
    {
        byte[] input = Hex.Bytes(CheckedHex);
        input[offset] ^= 0x40;
        CheckedDev dev = Local();
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, input));
        Assert.Equal("k-checked", e.Description);
        Assert.Equal(field, e.FieldPath);
        Assert.Equal(offset, e.Offset);
        Assert.False(e.IsEndOfInput);
        Assert.Contains("differs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_mismatch_keeps_the_local_value_and_reports_both_with_the_hint()
    {
        byte[] input = Hex.Bytes(CheckedHex);
        input[10] = 0xdf; // e32 = 0x789abcdf
        CheckedDev dev = Local();
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, input));
        Assert.Equal(0x789abcdeu, dev.E32);
        Assert.Contains(0x789abcdfu.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(0x789abcdeu.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("queue count must match", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int32_le_fails_when_incoming_is_above_the_local_value()
    {
        CheckedDev dev = Local();
        dev.Ver = 2;
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes(CheckedHex)));
        Assert.Equal("ver", e.FieldPath);
        Assert.Equal(0, e.Offset);
        Assert.Equal(2, dev.Ver);
        Assert.Contains("k-checked/ver", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int32_le_fails_on_a_negative_incoming_value()
    {
        byte[] input = Hex.Bytes(CheckedHex);
        input[0] = 0xff; // 0xff000003 < 0
        CheckedDev dev = Local();
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, input));
        Assert.Equal("ver", e.FieldPath);
        Assert.Equal(5, dev.Ver);
    }

    [Fact]
    public void Validate_false_fails_the_load_after_the_fields_before_it()
    {
        var dev = new ValidateDev { Limit = 4 };
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes("05 01 02")));
        Assert.Equal("k-validate", e.Description);
        Assert.Equal("count_ok", e.FieldPath);
        Assert.Equal(1, e.Offset);
        Assert.Equal(5, dev.Count);   // read before the check
        Assert.Equal(0, dev.After);   // not reached
    }

    [Fact]
    public void Validate_false_on_save_is_a_save_error()
    {
        var dev = new ValidateDev { Count = 9, Limit = 4 };
        VmStateSaveException e = Assert.Throws<VmStateSaveException>(() => VmStateSerializer.Save(dev));
        Assert.Equal("count_ok", e.FieldPath);
    }

    [Fact]
    public void Pre_load_false_fails_before_anything_is_read()
    {
        var dev = new FailingHooks { A = 1, PreLoadResult = false };
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes("07")));
        Assert.Contains("pre-load", e.Message, StringComparison.Ordinal);
        Assert.Equal("k-ver-hooks", e.Description);
        Assert.Equal(1, dev.A);
    }

    [Fact]
    public void Post_load_false_fails_after_the_fields()
    {
        var dev = new FailingHooks { A = 1, PostLoadResult = false };
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes("07")));
        Assert.Contains("post-load", e.Message, StringComparison.Ordinal);
        Assert.Equal(7, dev.A);
    }

    [Fact]
    public void Pre_save_false_fails_the_save_and_writes_nothing()
    {
        var dev = new FailingHooks { A = 1, PreSaveResult = false };
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        VmStateSaveException e = Assert.Throws<VmStateSaveException>(() => VmStateSerializer.Save(dev, output));
        Assert.Contains("pre-save", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(0, dev.PostSaveCalls); // QEMU returns before post_save when pre_save fails
    }

    [Fact]
    public void Post_save_runs_after_every_save_and_its_failure_is_reported()
    {
        var dev = new FailingHooks { A = 1 };
        VmStateSerializer.Save(dev);
        Assert.Equal(1, dev.PostSaveCalls);

        dev.PostSaveResult = false;
        VmStateSaveException e = Assert.Throws<VmStateSaveException>(() => VmStateSerializer.Save(dev));
        Assert.Contains("post-save", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, dev.PostSaveCalls);
    }
}
