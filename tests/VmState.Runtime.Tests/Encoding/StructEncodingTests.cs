using VmState.Description;

namespace VmState.Runtime.Tests.Encoding;

/// <summary>Nested structs (inline bodies with their own subsections), arrays of structs, and padding.</summary>
public sealed class StructEncodingTests
{
    // "k-inner/extra" = 13 bytes.
    private const string ExtraHeader = "05 0d 6b 2d 69 6e 6e 65 72 2f 65 78 74 72 61 00 00 00 01";

    private static readonly string NestedHex =
        "00 00 00 01 ff ff ff ff " +                       // pos {x=1, y=-1}
        "0a 0b 0c 0d " + ExtraHeader + " 7f " +            // inner {x}, its needed subsection inline
        "00 00 00 02 00 00 00 03 00 00 00 04 00 00 00 05 " + // pts[2]
        "02 " +                                            // n
        "00 00 00 01 " +                                   // inners[0] (subsection not needed)
        "00 00 00 02 " + ExtraHeader + " 09";              // inners[1] with its subsection

    private static Nested Sample() => new()
    {
        Pos = new Point { X = 1, Y = -1 },
        In = new Inner { X = 0x0a0b0c0d, E = 0x7f, ExtraNeeded = true },
        Pts = [new Point { X = 2, Y = 3 }, new Point { X = 4, Y = 5 }],
        N = 2,
        Inners = [new Inner { X = 1, E = 0x55 }, new Inner { X = 2, E = 9, ExtraNeeded = true }],
    };

    [Fact]
    public void Nested_struct_bodies_are_inline_with_their_subsections()
    {
        Hex.AssertSaves(Sample(), NestedHex);
    }

    [Fact]
    public void Nested_structs_load_into_a_fresh_instance()
    {
        var loaded = new Nested();
        VmStateSerializer.Load(loaded, Hex.Bytes(NestedHex));
        Assert.Equal(new Point { X = 1, Y = -1 }, loaded.Pos);
        Assert.Equal(0x0a0b0c0du, loaded.In.X);
        Assert.Equal(0x7f, loaded.In.E);
        Assert.Equal([new Point { X = 2, Y = 3 }, new Point { X = 4, Y = 5 }], loaded.Pts);
        Assert.Equal(2, loaded.Inners.Length);
        Assert.Equal(1u, loaded.Inners[0].X);
        Assert.Equal(0, loaded.Inners[0].E);
        Assert.Equal(2u, loaded.Inners[1].X);
        Assert.Equal(9, loaded.Inners[1].E);
    }

    [Fact]
    public void Nested_struct_load_keeps_existing_nested_objects()
    {
        var loaded = new Nested();
        Inner inner = loaded.In;
        var existing = new[] { new Inner(), new Inner() };
        loaded.Inners = existing;
        VmStateSerializer.Load(loaded, Hex.Bytes(NestedHex));
        Assert.Same(inner, loaded.In);
        Assert.Same(existing, loaded.Inners);
        Assert.Same(existing[1], loaded.Inners[1]);
        Assert.Equal(9, existing[1].E);
    }

    [Fact]
    public void Unused_padding_writes_zeros()
    {
        Hex.AssertSaves(new UnusedDev { A = 0x11, B = 0x2233 }, "11 | 00 00 00 | 00 00 | 22 33");
    }

    [Fact]
    public void Unused_padding_is_skipped_whatever_it_holds()
    {
        var loaded = new UnusedDev();
        VmStateSerializer.Load(loaded, Hex.Bytes("11 | ff ee dd | cc bb | 22 33"));
        Assert.Equal(0x11, loaded.A);
        Assert.Equal(0x2233, loaded.B);
    }

    [Fact]
    public void With_tmp_writes_the_temporary_computed_from_the_parent()
    {
        var dev = new TmpParent { A = 1, Hi = 0xaabb, Lo = 0xccdd, Z = 2 };
        Hex.AssertSaves(dev, "01 | aa bb cc dd 01 | 02");
        Assert.True(dev.Tmp.FromParentCalls >= 1);
    }

    [Fact]
    public void With_tmp_load_applies_the_temporary_to_the_parent()
    {
        var loaded = new TmpParent();
        VmStateSerializer.Load(loaded, Hex.Bytes("01 | 12 34 56 78 01 | 02"));
        Assert.Equal(1, loaded.A);
        Assert.Equal(0x1234, loaded.Hi);
        Assert.Equal(0x5678, loaded.Lo);
        Assert.Equal(2, loaded.Z);
        Assert.Equal(1, loaded.Tmp.ToParentCalls);
    }

    [Fact]
    public void Validate_takes_no_bytes_and_passes_when_true()
    {
        byte[] saved = Hex.AssertSaves(new ValidateDev { Count = 3, After = 0x0102 }, "03 01 02");
        var loaded = new ValidateDev();
        VmStateSerializer.Load(loaded, saved);
        Assert.Equal(3, loaded.Count);
        Assert.Equal(0x0102, loaded.After);
    }
}
