using System.Buffers.Binary;
using VmState.Description;
using VmState.Wire;

namespace VmState.Runtime.Tests.Subsections;

/// <summary>Subsection encoding and QEMU's loader rules (notes §2.9).</summary>
public sealed class SubsectionTests
{
    private const string A = "12 34";
    private const string OneHeaderV2 = "05 | 09 6b 2d 73 75 62 2f 6f 6e 65 | 00 00 00 02";  // "k-sub/one"
    private const string OneBodyV2 = "aa bb cc dd | ee";
    private const string TwoHeader = "05 | 09 6b 2d 73 75 62 2f 74 77 6f | 00 00 00 01";   // "k-sub/two"
    private const string TwoBody = "77";

    private static SubDev Source(bool one, bool two) =>
        new() { A = 0x1234, X = 0xaabbccdd, Y = 0xee, Z = 0x77, OneNeeded = one, TwoNeeded = two };

    private static SubDev Target() => new() { A = 0xffff, X = 0x11111111, Y = 0x11, Z = 0x11 };

    [Fact]
    public void Needed_subsections_follow_the_fields_with_marker_name_and_version()
    {
        Hex.AssertSaves(Source(one: true, two: true), A + OneHeaderV2 + OneBodyV2 + TwoHeader + TwoBody);
    }

    [Fact]
    public void Subsections_that_are_not_needed_are_absent()
    {
        Hex.AssertSaves(Source(one: false, two: true), A + TwoHeader + TwoBody);
        Hex.AssertSaves(Source(one: true, two: false), A + OneHeaderV2 + OneBodyV2);
        Hex.AssertSaves(Source(one: false, two: false), A);
    }

    [Fact]
    public void Saved_subsections_load_back()
    {
        SubDev dev = Target();
        VmStateSerializer.Load(dev, Hex.Bytes(A + OneHeaderV2 + OneBodyV2 + TwoHeader + TwoBody));
        Assert.Equal(0x1234, dev.A);
        Assert.Equal(0xaabbccddu, dev.X);
        Assert.Equal(0xee, dev.Y);
        Assert.Equal(0x77, dev.Z);
        Assert.Equal(["one", "two", "k-sub"], dev.Loaded);
        Assert.Equal(2, dev.OneVersion);
    }

    [Fact]
    public void Loading_without_subsections_is_accepted_and_leaves_their_fields()
    {
        SubDev dev = Target();
        dev.OneNeeded = true; // needed() is never consulted on load
        dev.TwoNeeded = true;
        VmStateSerializer.Load(dev, Hex.Bytes(A));
        Assert.Equal(0x1234, dev.A);
        Assert.Equal(0x11111111u, dev.X);
        Assert.Equal(0x11, dev.Z);
        Assert.Equal(["k-sub"], dev.Loaded);
        Assert.Equal(0, dev.NeededCalls);
    }

    [Fact]
    public void Subsections_load_in_any_order_and_a_repeat_is_loaded_again()
    {
        SubDev dev = Target();
        VmStateSerializer.Load(dev, Hex.Bytes(A + TwoHeader + "01" + OneHeaderV2 + OneBodyV2 + TwoHeader + "02"));
        Assert.Equal(0x02, dev.Z);
        Assert.Equal(0xaabbccddu, dev.X);
        Assert.Equal(["two", "one", "two", "k-sub"], dev.Loaded);
    }

    [Fact]
    public void Subsection_loads_with_its_own_incoming_version()
    {
        SubDev dev = Target();
        string oneV1 = "05 | 09 6b 2d 73 75 62 2f 6f 6e 65 | 00 00 00 01 | aa bb cc dd";
        VmStateSerializer.Load(dev, Hex.Bytes(A + oneV1));
        Assert.Equal(0xaabbccddu, dev.X);
        Assert.Equal(0x11, dev.Y); // y is version 2 of the subsection: not on the wire
        Assert.Equal(1, dev.OneVersion);
    }

    [Fact]
    public void Only_the_low_byte_of_the_subsection_version_is_used()
    {
        // QEMU reads the be32 into a uint8_t: 0x00000102 is version 2.
        SubDev dev = Target();
        string oneV258 = "05 | 09 6b 2d 73 75 62 2f 6f 6e 65 | 00 00 01 02";
        VmStateSerializer.Load(dev, Hex.Bytes(A + oneV258 + OneBodyV2));
        Assert.Equal(2, dev.OneVersion);
        Assert.Equal(0xee, dev.Y);
    }

    [Fact]
    public void Unknown_subsection_with_the_parent_prefix_is_an_error_naming_it()
    {
        SubDev dev = Target();
        string unknown = "05 | 09 6b 2d 73 75 62 2f 7a 7a 7a | 00 00 00 01 | 00"; // "k-sub/zzz"
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes(A + unknown)));
        Assert.Contains("k-sub/zzz", e.Message, StringComparison.Ordinal);
        Assert.Equal("k-sub", e.Description);
        Assert.Equal(2, e.Offset);
        Assert.DoesNotContain("k-sub", dev.Loaded);
    }

    [Fact]
    public void Name_that_merely_starts_with_the_parent_name_is_unknown_too()
    {
        // QEMU compares only the first strlen(parent) bytes: "k-subway" is taken as an unknown child of "k-sub".
        SubDev dev = Target();
        string other = "05 | 08 6b 2d 73 75 62 77 61 79 | 00 00 00 01";
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes(A + other)));
        Assert.Contains("k-subway", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("04 00 00 00 07")]                                      // another section type: not a subsection
    [InlineData("7e 00 00 00 07")]                                      // a footer
    [InlineData("05 | 07 6f 74 68 65 72 2f 78 | 00 00 00 01")]           // "other/x": no parent prefix
    [InlineData("05 | 05 6b 2d 73 75 62 | 00 00 00 01")]                // "k-sub": shorter than parent + 1
    [InlineData("05 | 03 6b 2d 73")]                                    // length below the parent's
    [InlineData("05 | 00")]                                             // empty name
    public void Loading_stops_before_bytes_that_are_not_a_child_subsection(string following)
    {
        byte[] input = Hex.Bytes(A + OneHeaderV2 + OneBodyV2 + following);
        int bodyEnd = input.Length - Hex.Bytes(following).Length;
        SubDev dev = Target();
        var reader = new VmStateReader(input);
        VmStateSerializer.Load(dev, ref reader, 1);
        Assert.Equal(bodyEnd, reader.Position);
        Assert.Equal(input[bodyEnd], (byte)reader.PeekByte());
        Assert.Equal(0xaabbccddu, dev.X);
        Assert.Equal(["one", "k-sub"], dev.Loaded);
    }

    [Fact]
    public void Whole_buffer_load_reports_the_bytes_left_after_the_body()
    {
        byte[] input = Hex.Bytes(A + "05 | 07 6f 74 68 65 72 2f 78 | 00 00 00 01");
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(Target(), input));
        Assert.Equal(2, e.Offset);
        Assert.Equal("k-sub", e.Description);
    }

    [Fact]
    public void Subsection_version_above_its_version_is_an_error()
    {
        SubDev dev = Target();
        string oneV3 = "05 | 09 6b 2d 73 75 62 2f 6f 6e 65 | 00 00 00 03";
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes(A + oneV3 + OneBodyV2)));
        Assert.Contains("too new", e.Message, StringComparison.Ordinal);
        Assert.Equal("k-sub/one", e.Location);
        Assert.Equal(2 + 15, e.Offset);
        Assert.Equal(0x11111111u, dev.X);
    }

    [Fact]
    public void Subsection_version_below_its_minimum_is_an_error()
    {
        SubDev dev = Target();
        string oneV0 = "05 | 09 6b 2d 73 75 62 2f 6f 6e 65 | 00 00 00 00";
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(dev, Hex.Bytes(A + oneV0 + OneBodyV2)));
        Assert.Contains("too old", e.Message, StringComparison.Ordinal);
        Assert.Equal("k-sub/one", e.Location);
    }

    [Fact]
    public void Header_cut_short_is_end_of_input_not_the_end_of_the_body()
    {
        byte[] full = Hex.Bytes(A + OneHeaderV2 + OneBodyV2);
        for (int cut = 3; cut < 2 + 15; cut++)
        {
            VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(Target(), full.AsSpan(0, cut)));
            Assert.True(e.IsEndOfInput, $"cut {cut}");
            Assert.InRange(e.Offset, 2, cut);
        }
    }

    [Fact]
    public void Subsection_header_written_is_the_counted_name_and_be32_version()
    {
        byte[] saved = VmStateSerializer.Save(Source(one: true, two: false));
        Assert.Equal(0x05, saved[2]);
        Assert.Equal("k-sub/one".Length, saved[3]);
        Assert.Equal("k-sub/one"u8.ToArray(), saved[4..13]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(saved.AsSpan(13)));
    }
}
