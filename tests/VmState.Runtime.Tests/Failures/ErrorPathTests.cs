using VmState.Description;
using VmState.Wire;

namespace VmState.Runtime.Tests.Failures;

/// <summary>Error locations: description, field path with indexes and nesting, and the stream offset.</summary>
public sealed class ErrorPathTests
{
    // arr[3] (be32 each), s {x, y}, pts[2] {x, y}, then "dev/sub" { q }.
    private const string Good =
        "00 00 00 0a 00 00 00 0b 00 00 00 0c | 00 00 00 01 00 00 00 02 |" +
        "00 00 00 03 00 00 00 04 00 00 00 05 00 00 00 06 |" +
        "05 07 64 65 76 2f 73 75 62 00 00 00 01 | 42";

    private static PathDev Local() => new()
    {
        Arr = [0x0a, 0x0b, 0x0c],
        S = new EqPoint { X = 1, Y = 0 },
        Pts = [new EqPoint { X = 3 }, new EqPoint { X = 5 }],
        Q = 0x42,
    };

    private static VmStateLoadException Fails(int corruptAt)
    {
        byte[] input = Hex.Bytes(Good);
        input[corruptAt] ^= 0x80;
        return Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(Local(), input));
    }

    [Fact]
    public void The_unmodified_input_loads()
    {
        PathDev dev = Local();
        VmStateSerializer.Load(dev, Hex.Bytes(Good));
        Assert.Equal(2u, dev.S.Y);
        Assert.Equal(6u, dev.Pts[1].Y);
        Assert.Equal(Hex.Of(Hex.Bytes(Good)), Hex.Of(VmStateSerializer.Save(dev)));
    }

    [Fact]
    public void Array_element_error_names_the_index()
    {
        VmStateLoadException e = Fails(8);
        Assert.Equal("arr[2]", e.FieldPath);
        Assert.Equal("dev/arr[2]", e.Location);
        Assert.Equal(8, e.Offset);
        Assert.Contains("at dev/arr[2] (stream offset 8)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_struct_field_error_names_the_path()
    {
        VmStateLoadException e = Fails(12);
        Assert.Equal("dev/s.x", e.Location);
        Assert.Equal(12, e.Offset);
    }

    [Fact]
    public void Struct_array_element_error_names_index_and_field()
    {
        VmStateLoadException e = Fails(28);
        Assert.Equal("dev/pts[1].x", e.Location);
        Assert.Equal(28, e.Offset);
    }

    [Fact]
    public void Subsection_field_error_names_the_subsection()
    {
        VmStateLoadException e = Fails(49);
        Assert.Equal("dev/sub/q", e.Location);
        Assert.Equal(49, e.Offset);
        Assert.Contains("q must match", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_struct_array_names_the_element_being_read()
    {
        byte[] input = Hex.Bytes(Good);
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(Local(), input.AsSpan(0, 35)));
        Assert.True(e.IsEndOfInput);
        Assert.Equal("dev/pts[1].y", e.Location);
        Assert.Equal(32, e.Offset);
    }
}
