using System.Buffers;
using VmState.Description;
using VmState.Migration;
using VmState.Tests.Support;
using VmState.Wire;

namespace VmState.Runtime.Tests.Migration;

/// <summary>Malformed streams: each gives a typed error with its offset and leaves the registered devices unchanged.</summary>
public sealed class StreamBadInputTests
{
    private static readonly MigrationStreamOptions Bare = new() { SendConfiguration = false, SendVmDescription = false };

    // Header, then FULL mydev (section 7) as in the format notes, then EOF.
    private static readonly byte[] Example = Convert.FromHexString(
        "5145564d00000003" + "04" + "00000007" + "056d79646576" + "00000000" + "00000002" + "11223344" + "01" + "000100020003"
        + "05" + "096d796465762f737562" + "00000001" + "fffffffffffffffb" + "7e00000007" + "00");

    private static (MyDev Dev, VmStateRegistry Registry) Target()
    {
        var dev = new MyDev { A = 77, X = 99 };
        var registry = new VmStateRegistry();
        registry.Register(dev);
        return (dev, registry);
    }

    private static VmStateLoadException LoadFails(byte[] stream, MigrationStreamOptions options, out MyDev dev)
    {
        (dev, VmStateRegistry registry) = Target();
        byte[] before = VmStateSerializer.Save(dev);
        VmStateRegistry r = registry;
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(r, options).Load(stream));
        Assert.Equal(before, VmStateSerializer.Save(dev));
        Assert.Equal(77u, dev.A);
        Assert.Equal(99, dev.X);
        return e;
    }

    [Fact]
    public void The_example_itself_loads()
    {
        (MyDev dev, VmStateRegistry registry) = Target();
        new MigrationLoader(registry, Bare).Load(Example);
        Assert.Equal(0x11223344u, dev.A);
        Assert.Equal(-5, dev.X);
    }

    [Fact]
    public void Truncation_at_every_offset_of_a_small_stream_fails_and_changes_nothing()
    {
        using var source = new StreamTestMachine(fill: true);
        byte[] stream = source.Save();
        using var target = new StreamTestMachine(fill: false);
        target.Dev0.A = 1234;
        target.Ram.Write(0, "before"u8);
        string before = target.Hash();
        var loader = new MigrationLoader(target.Registry, StreamTestMachine.Options);

        for (int cut = 0; cut < stream.Length; cut++)
        {
            VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => loader.Load(stream.AsMemory(0, cut)));
            Assert.InRange(e.Offset, 0, cut);
            Assert.Equal(before, target.Hash());
        }

        loader.Load(stream);
        Assert.Equal(source.Hash(), target.Hash());
    }

    [Fact]
    public void Wrong_magic()
    {
        byte[] s = (byte[])Example.Clone();
        s[0] = 0x52;
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("Not a migration stream", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void Version_2_is_obsolete()
    {
        byte[] s = (byte[])Example.Clone();
        s[7] = 2;
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("obsolete", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, e.Offset);
    }

    [Fact]
    public void Unknown_section_type()
    {
        byte[] s = [.. Example[..8], 0x09];
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("Unknown savevm section type 9", e.Message, StringComparison.Ordinal);
        Assert.Equal(8, e.Offset);
    }

    [Fact]
    public void Part_for_a_section_never_started()
    {
        byte[] s = [.. Example[..8], 0x02, 0, 0, 0, 0x63, 0x7e, 0, 0, 0, 0x63, 0];
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("Unknown savevm section 99", e.Message, StringComparison.Ordinal);
        Assert.Equal(8, e.Offset);
    }

    [Fact]
    public void Footer_mismatch_names_the_section_and_rolls_back()
    {
        byte[] s = (byte[])Example.Clone();
        s[^2] = 8; // footer section id 7 -> 8
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("Mismatched section id in footer for mydev", e.Message, StringComparison.Ordinal);
        Assert.Equal("mydev", e.Section);
        Assert.Equal(s.Length - 6, e.Offset);
    }

    [Fact]
    public void Missing_footer()
    {
        byte[] s = (byte[])Example.Clone();
        s[^6] = 0x7d;
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("Missing section footer for mydev", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Idstr_length_running_past_the_end()
    {
        byte[] s = [.. Example[..8], 0x04, 0, 0, 0, 1, 0xff, (byte)'m', (byte)'y'];
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.True(e.IsEndOfInput);
        Assert.Equal(14, e.Offset);
    }

    [Fact]
    public void Vmdescription_length_past_the_end()
    {
        byte[] s = [.. Example, 0x06, 0x7f, 0xff, 0xff, 0xff, (byte)'{', (byte)'}'];
        VmStateLoadException e = LoadFails(s, Bare with { SendVmDescription = true }, out _);
        Assert.True(e.IsEndOfInput);
        Assert.Equal(Example.Length + 5, e.Offset);
    }

    [Fact]
    public void Subsection_without_the_parent_prefix_is_not_taken_and_the_footer_check_fails()
    {
        byte[] s = (byte[])Example.Clone();
        int name = Array.IndexOf(s, (byte)'/') - 5; // "mydev/sub" -> "other/sub"
        "other"u8.CopyTo(s.AsSpan(name));
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("Missing section footer for mydev", e.Message, StringComparison.Ordinal);
        Assert.Equal(name - 2, e.Offset);
    }

    [Fact]
    public void Unknown_section_names_idstr_and_instance()
    {
        byte[] s = (byte[])Example.Clone();
        s[22] = 4; // instance 0 -> 4
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("Unknown savevm section or instance 'mydev' 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_above_the_registered_one()
    {
        byte[] s = (byte[])Example.Clone();
        s[26] = 3; // version 2 -> 3
        VmStateLoadException e = LoadFails(s, Bare, out _);
        Assert.Contains("unsupported version 3 for 'mydev' v2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Machine_name_mismatch_names_both()
    {
        using var source = new StreamTestMachine(fill: true);
        byte[] stream = source.Save();
        using var target = new StreamTestMachine(fill: false);
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(
            () => new MigrationLoader(target.Registry, StreamTestMachine.Options with { MachineName = "other" }).Load(stream));
        Assert.Contains("'test-machine'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'other'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Commands_are_checked_against_their_lengths()
    {
        byte[] ping = [.. Example[..8], 0x08, 0, 2, 0, 3, 1, 2, 3];
        Assert.Contains("PING received with bad length", LoadFails(ping, Bare, out _).Message, StringComparison.Ordinal);
        byte[] unknown = [.. Example[..8], 0x08, 0, 0x40, 0, 0];
        Assert.Contains("MIG_CMD 0x40 unknown", LoadFails(unknown, Bare, out _).Message, StringComparison.Ordinal);
        byte[] openReturnPath = [.. Example[..8], 0x08, 0, 1, 0, 0, .. Example[8..]];
        (MyDev dev, VmStateRegistry registry) = Target();
        new MigrationLoader(registry, Bare).Load(openReturnPath);
        Assert.Equal(-5, dev.X);
    }

    [Fact]
    public void Wrong_byte_after_eof_is_only_a_warning_but_a_missing_vmdescription_is_truncation()
    {
        (_, VmStateRegistry registry) = Target();
        MigrationLoadResult r = new MigrationLoader(registry, Bare with { SendVmDescription = true }).Load((byte[])[.. Example, 0x07]);
        Assert.Single(r.Warnings);
        VmStateLoadException e = LoadFails(Example, Bare with { SendVmDescription = true }, out _);
        Assert.True(e.IsEndOfInput);
    }
}

/// <summary>Lengths a peer claims are held to the loader's limits before the bytes are waited for or buffered.</summary>
public sealed class StreamClaimTests
{
    private static readonly MigrationStreamOptions Bare = new() { SendConfiguration = false, SendVmDescription = true };

    [Fact]
    public void A_huge_vmdescription_claim_over_a_socket_fails_at_its_length_having_read_almost_nothing()
    {
        // Header, EOF, then a VMDESCRIPTION claiming 4 GiB - 1 and a peer that would send zeros for ever.
        using var peer = new PieceStream([0x51, 0x45, 0x56, 0x4d, 0, 0, 0, 3, 0x00, 0x06, 0xff, 0xff, 0xff, 0xff], seed: 0, maxPiece: 64 << 10) { Endless = true };

        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(new VmStateRegistry(), Bare).Load(peer));

        Assert.Contains("VMDESCRIPTION claims 4294967295 bytes, more than the 67108864-byte limit", e.Message, StringComparison.Ordinal);
        Assert.Equal(9, e.Offset);
        Assert.True(peer.Served < 1 << 20, $"read {peer.Served} bytes before refusing");
    }

    [Fact]
    public void A_vmdescription_within_the_limit_loads_and_one_past_a_lower_limit_does_not()
    {
        byte[] json = "{\"page_size\": 4096, \"devices\": []}"u8.ToArray();
        byte[] stream = [0x51, 0x45, 0x56, 0x4d, 0, 0, 0, 3, 0x00, 0x06, 0, 0, 0, (byte)json.Length, .. json];

        MigrationLoadResult ok = new MigrationLoader(new VmStateRegistry(), Bare).Load(new MemoryStream(stream));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(json), ok.VmDescription);

        var loader = new MigrationLoader(new VmStateRegistry(), Bare) { MaxVmDescription = json.Length - 1 };
        Assert.Contains("more than the", Assert.Throws<VmStateLoadException>(() => loader.Load(new MemoryStream(stream))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_machine_name_claim_is_refused_at_its_length()
    {
        using var peer = new PieceStream([0x51, 0x45, 0x56, 0x4d, 0, 0, 0, 3, 0x07, 0x7f, 0xff, 0xff, 0xff], seed: 0, maxPiece: 64 << 10) { Endless = true };

        VmStateLoadException e = Assert.Throws<VmStateLoadException>(
            () => new MigrationLoader(new VmStateRegistry(), new MigrationStreamOptions { MachineName = "m" }).Load(peer));

        Assert.Contains("machine type name claims 2147483647 bytes", e.Message, StringComparison.Ordinal);
        Assert.True(peer.Served < 1 << 20, $"read {peer.Served} bytes before refusing");
    }
}

/// <summary>A failed load rolls back every section it touched, even when one of their rollbacks fails.</summary>
public sealed class RollbackTests
{
    [Fact]
    public void A_rollback_that_fails_does_not_stop_the_others_and_its_error_is_what_the_caller_hears()
    {
        var first = new Recording(failRollback: false);
        var second = new Recording(failRollback: true);
        var registry = new VmStateRegistry();
        registry.RegisterLive("a", first, 1);
        registry.RegisterLive("b", second, 1);

        // START a (section 1), START b (section 2), each with an empty body and its footer, then an unknown frame type.
        byte[] stream = Convert.FromHexString("5145564d00000003" + "01000000010161" + "0000000000000001" + "7e00000001"
            + "01000000020162" + "0000000000000001" + "7e00000002" + "09");

        var e = Assert.Throws<InvalidOperationException>(
            () => new MigrationLoader(registry, new MigrationStreamOptions { SendConfiguration = false, SendVmDescription = false }).Load(stream));

        Assert.Equal("rollback of b failed", e.Message);
        Assert.True(first.RolledBack, "the section started first was not rolled back");
        Assert.True(second.RolledBack);
    }

    private sealed class Recording(bool failRollback) : LiveSectionHandler
    {
        public bool RolledBack { get; private set; }

        public override void LoadState(ref VmStateReader reader, int versionId)
        {
        }

        public override void LoadRollback()
        {
            RolledBack = true;
            if (failRollback)
            {
                throw new InvalidOperationException("rollback of b failed");
            }
        }
    }
}
