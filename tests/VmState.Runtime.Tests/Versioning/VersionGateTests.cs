using VmState.Description;
using VmState.Wire;

namespace VmState.Runtime.Tests.Versioning;

/// <summary>Incoming version checks, fields gated by Since/Exists, defaults, and the version given to hooks.</summary>
public sealed class VersionGateTests
{
    // Version 3 body with c present: a, b, c, d, unused(2), arr[2], tail.
    private const string V3WithC = "01 02 03 04 | 05 06 | 07 08 09 0a | 0b | 00 00 | 00 01 ff fe | 0c";

    private static Versioned Filled(bool cFlag) => new()
    {
        A = 0x01020304,
        B = 0x0506,
        C = 0x0708090a,
        D = 0x0b,
        Arr = [1, -2],
        Tail = 0x0c,
        CFlag = cFlag,
    };

    private static Versioned Stale(bool cFlag) => new()
    {
        A = 0xeeeeeeee,
        B = 0xeeee,
        C = 0xeeeeeeee,
        D = 0xee,
        Arr = [0x11, 0x22],
        Tail = 0xee,
        CFlag = cFlag,
    };

    [Fact]
    public void Save_writes_every_field_of_the_current_version()
    {
        Hex.AssertSaves(Filled(cFlag: true), V3WithC);
        Hex.AssertSaves(Filled(cFlag: false), "01 02 03 04 | 05 06 | 0b | 00 00 | 00 01 ff fe | 0c");
    }

    [Fact]
    public void Exists_is_asked_with_the_current_version_on_save_and_the_incoming_one_on_load()
    {
        Versioned dev = Filled(cFlag: false);
        VmStateSerializer.Save(dev);
        Assert.Equal([3], dev.ExistsVersions);

        Versioned loaded = Stale(cFlag: false);
        VmStateSerializer.Load(loaded, Hex.Bytes("01 02 03 04 | 0c"), versionId: 2);
        Assert.Equal([2], loaded.ExistsVersions);
    }

    [Fact]
    public void Incoming_version_above_version_is_rejected_naming_the_description()
    {
        Versioned dev = Stale(cFlag: false);
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(
            () => VmStateSerializer.Load(dev, Hex.Bytes(V3WithC), versionId: 4));
        Assert.Equal("k-ver", e.Description);
        Assert.Equal("", e.FieldPath);
        Assert.Equal(0, e.Offset);
        Assert.Contains("too new", e.Message, StringComparison.Ordinal);
        Assert.Contains("k-ver", e.Message, StringComparison.Ordinal);
        Assert.Empty(dev.Calls); // nothing ran, nothing read
        Assert.Equal(0xeeeeeeeeu, dev.A);
    }

    [Fact]
    public void Incoming_version_below_minimum_is_rejected_naming_the_description()
    {
        Versioned dev = Stale(cFlag: false);
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(
            () => VmStateSerializer.Load(dev, Hex.Bytes("01 02 03 04 | 0c"), versionId: 1));
        Assert.Equal("k-ver", e.Description);
        Assert.Contains("too old", e.Message, StringComparison.Ordinal);
        Assert.Empty(dev.Calls);
        Assert.Equal(0xeeeeeeeeu, dev.A);
    }

    [Fact]
    public void Fields_newer_than_the_stream_are_not_read_and_take_their_default()
    {
        Versioned dev = Stale(cFlag: false);
        VmStateSerializer.Load(dev, Hex.Bytes("01 02 03 04 | 0c"), versionId: 2);
        Assert.Equal(0x01020304u, dev.A);
        Assert.Equal(0x0c, dev.Tail);
        Assert.Equal(7, dev.B);                      // Default = 7
        Assert.Equal(new short[] { -1, -1 }, dev.Arr); // array default fills the elements
        Assert.Equal(0xee, dev.D);                   // no default: keeps its value, as QEMU does
        Assert.Equal(0xeeeeeeeeu, dev.C);            // Exists said no
    }

    [Fact]
    public void Exists_overrides_since_when_it_says_yes_on_an_old_stream()
    {
        Versioned dev = Stale(cFlag: true);
        VmStateSerializer.Load(dev, Hex.Bytes("01 02 03 04 | 07 08 09 0a | 0c"), versionId: 2);
        Assert.Equal(0x0708090au, dev.C);
        Assert.Equal(0x0c, dev.Tail);
        Assert.Equal(7, dev.B);
    }

    [Fact]
    public void Exists_overrides_since_when_it_says_no_on_a_current_stream()
    {
        Versioned dev = Stale(cFlag: false);
        VmStateSerializer.Load(dev, Hex.Bytes("01 02 03 04 | 05 06 | 0b | 00 00 | 00 01 ff fe | 0c"), versionId: 3);
        Assert.Equal(0xeeeeeeeeu, dev.C);
        Assert.Equal(0x0506, dev.B);
        Assert.Equal(0x0b, dev.D);
        Assert.Equal(new short[] { 1, -2 }, dev.Arr);
    }

    [Fact]
    public void Current_stream_reads_every_field()
    {
        Versioned dev = Stale(cFlag: true);
        VmStateSerializer.Load(dev, Hex.Bytes(V3WithC));
        Assert.Equal(0x0506, dev.B);
        Assert.Equal(0x0708090au, dev.C);
        Assert.Equal(0x0b, dev.D);
        Assert.Equal(new short[] { 1, -2 }, dev.Arr);
        Assert.Equal(0x0c, dev.Tail);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Post_load_receives_the_incoming_version(int version)
    {
        Versioned dev = Stale(cFlag: false);
        byte[] input = version == 3
            ? Hex.Bytes("01 02 03 04 | 05 06 | 0b | 00 00 | 00 01 ff fe | 0c")
            : Hex.Bytes("01 02 03 04 | 0c");
        VmStateSerializer.Load(dev, input, versionId: version);
        Assert.Equal(version, dev.LoadedVersion);
        Assert.Equal(["pre-load", "post-load"], dev.Calls);
    }

    [Fact]
    public void A_nested_struct_loads_with_its_own_version_not_the_parents()
    {
        var holder = new VersionedHolder { V = Stale(cFlag: true) };
        VmStateSerializer.Load(holder, Hex.Bytes(V3WithC), versionId: 1);
        Assert.Equal(3, holder.V.LoadedVersion);
        Assert.Equal(0x0506, holder.V.B);
    }
}
