using System.Buffers;
using VmState.Description;
using VmState.Migration;
using VmState.Tests.Support;
using VmState.Wire;

namespace VmState.Runtime.Tests.Migration;

public sealed class StreamRoundTripTests
{
    [Fact]
    public void Snapshot_round_trip_restores_ram_and_devices()
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        Assert.NotEqual(source.Hash(), target.Hash());

        byte[] stream = source.Save();
        MigrationLoadResult result = new MigrationLoader(target.Registry, StreamTestMachine.Options).Load(stream);

        Assert.Equal(source.Hash(), target.Hash());
        Assert.Equal(stream.Length, result.BytesRead);
        Assert.Equal("test-machine", result.Configuration!.MachineName);
        Assert.StartsWith("{\"page_size\": 4096, \"devices\": [{\"name\": \"mig-dev\", \"instance_id\": 0, \"vmsd_name\": \"mig-dev\", \"version\": 3, \"fields\": [", result.VmDescription, StringComparison.Ordinal);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Stream_input_arriving_in_small_pieces_loads_the_same()
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        byte[] stream = source.Save();

        new MigrationLoader(target.Registry, StreamTestMachine.Options).Load(new PieceStream(stream) { Piece = 7, Seekable = false });

        Assert.Equal(source.Hash(), target.Hash());
    }

    [Fact]
    public void Stream_starts_with_header_and_configuration_and_ends_with_eof_and_vmdescription()
    {
        using var source = new StreamTestMachine(fill: true);
        byte[] stream = source.Save();

        Assert.Equal(new byte[] { 0x51, 0x45, 0x56, 0x4d, 0, 0, 0, 3, 7, 0, 0, 0, 12 }, stream[..13]);
        Assert.Equal("test-machine"u8.ToArray(), stream[13..25]);

        // START of "ram": section 1, idstr, instance 0, version 4, MEM_SIZE | total bytes.
        Assert.Equal(new byte[] { 1, 0, 0, 0, 1, 3, (byte)'r', (byte)'a', (byte)'m', 0, 0, 0, 0, 0, 0, 0, 4 }, stream[25..42]);
        Assert.Equal(BitConverter.GetBytes(((20UL * 4096) | 4)).Reverse().ToArray(), stream[42..50]);

        string json = System.Text.Encoding.UTF8.GetString(stream.AsSpan(stream.AsSpan().LastIndexOf("{\"page_size\""u8)));
        int jsonAt = stream.Length - json.Length;
        Assert.Equal(0x00, stream[jsonAt - 6]);
        Assert.Equal(0x06, stream[jsonAt - 5]);
        Assert.Equal(json.Length, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(jsonAt - 4)));
    }

    [Fact]
    public void Worked_example_of_the_format_notes_is_written_byte_for_byte()
    {
        var registry = new VmStateRegistry();

        // Section ids count registrations from 1: take 1..6 with throw-away devices.
        for (int i = 0; i < 6; i++)
        {
            registry.Unregister(registry.Register(new Iommu()));
        }

        var my = new MyDev { A = 0x11223344, B = true, SubNeeded = true, X = -5 };
        my.Arr[0] = 1;
        my.Arr[1] = 2;
        my.Arr[2] = 3;
        registry.Register(my);
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(registry, output, new MigrationStreamOptions { SendConfiguration = false, SendVmDescription = false });

        byte[] expected = Convert.FromHexString(
            "5145564d00000003" + "04" + "00000007" + "056d79646576" + "00000000" + "00000002" + "11223344" + "01" + "000100020003"
            + "05" + "096d796465762f737562" + "00000001" + "fffffffffffffffb" + "7e00000007" + "00");
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Registry_orders_by_priority_and_numbers_instances()
    {
        var registry = new VmStateRegistry();
        var a = new MigDev();
        var b = new MigDev();
        var iommu = new Iommu();
        SectionEntry ea = registry.Register(a);
        registry.Register(iommu);
        SectionEntry eb = registry.Register(b);
        SectionEntry c = registry.Register(new MigDev(), devicePath: "0000:00:03.0");

        Assert.Same(iommu, registry.Entries[0].Target);
        Assert.Equal([0, 1], registry.Entries.Where(e => e.IdStr == "mig-dev").Select(e => e.InstanceId));
        Assert.Equal("0000:00:03.0/mig-dev", c.IdStr);
        Assert.Equal(0, c.InstanceId);
        Assert.Same(c, registry.Find("0000:00:03.0/mig-dev", 0));
        Assert.Null(registry.Find("0000:00:03.0/mig-dev", 1));

        // Only a device registered with a path has a compat id: its bare name, numbered among such devices.
        Assert.Null(ea.CompatIdStr);
        Assert.Null(eb.CompatIdStr);
        Assert.Equal("mig-dev", c.CompatIdStr);
        Assert.Equal(0, c.CompatInstanceId);

        // The bare name finds the devices registered without a path first: ("mig-dev", 0) is a's, not c's compat id.
        Assert.Same(ea, registry.Find("mig-dev", 0));
        Assert.Same(eb, registry.Find("mig-dev", 1));
        Assert.Null(registry.Find("mig-dev", 2));
        Assert.Equal([1, 2, 3, 4], registry.Entries.Select(e => e.SectionId).Order());
        Assert.Throws<ArgumentException>(() => registry.Register(new MigDev(), instanceId: 1));
        Assert.True(registry.Unregister(b));
        Assert.False(registry.Unregister(b));
    }

    [Fact]
    public void The_bare_name_finds_a_device_with_a_path_by_its_compat_id_when_no_entry_has_that_full_id()
    {
        var registry = new VmStateRegistry();
        SectionEntry plain = registry.Register(new MigDev());
        SectionEntry nic0 = registry.Register(new MigDev(), devicePath: "0000:00:03.0");
        SectionEntry nic1 = registry.Register(new MigDev(), devicePath: "0000:00:04.0");

        // Each path numbers its own instances from 0; the compat ids count the devices with a path.
        Assert.Equal((0, 0), (nic0.InstanceId, nic0.CompatInstanceId));
        Assert.Equal((0, 1), (nic1.InstanceId, nic1.CompatInstanceId));
        Assert.Same(nic0, registry.Find("0000:00:03.0/mig-dev", 0));
        Assert.Same(nic1, registry.Find("0000:00:04.0/mig-dev", 0));

        // ("mig-dev", 0) is the plain device's full id, which wins; ("mig-dev", 1) is only nic1's compat id.
        Assert.Same(plain, registry.Find("mig-dev", 0));
        Assert.Same(nic1, registry.Find("mig-dev", 1));
        Assert.Null(registry.Find("mig-dev", 2));

        // Without the plain device the bare name falls back to the compat id: an old stream reaches nic0.
        Assert.True(registry.Unregister(plain));
        Assert.Same(nic0, registry.Find("mig-dev", 0));
        Assert.Same(nic1, registry.Find("mig-dev", 1));

        // A compat id is only the bare name: another path or a wrong instance finds nothing.
        Assert.Null(registry.Find("0000:00:05.0/mig-dev", 0));
        Assert.Null(registry.Find("0000:00:03.0/mig-dev", 1));
        Assert.Null(registry.Find("other", 0));
    }

    [Fact]
    public void A_stream_saved_under_the_bare_name_loads_into_a_device_registered_with_a_path()
    {
        var old = new VmStateRegistry();
        old.Register(new MigDev { A = 0xc0ffee, ExtraNeeded = true, E = 7 });
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(old, output, new MigrationStreamOptions { SendConfiguration = false });

        var registry = new VmStateRegistry();
        var device = new MigDev();
        registry.Register(device, devicePath: "0000:00:03.0");
        MigrationLoadResult result = new MigrationLoader(registry, new MigrationStreamOptions { SendConfiguration = false }).Load(output.WrittenSpan.ToArray());

        Assert.Equal(1, result.FramesLoaded);
        Assert.Equal(0xc0ffeeu, device.A);
        Assert.Equal(7, device.E);
    }

    [Fact]
    public void Unmigratable_device_fails_the_save_naming_it()
    {
        var registry = new VmStateRegistry();
        registry.Register(new MigDev());
        registry.Register(new Blocker());
        VmStateSaveException e = Assert.Throws<VmStateSaveException>(() => MigrationSaver.SaveSnapshot(registry, new ArrayBufferWriter<byte>()));
        Assert.Contains("'blocker'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Early_setup_devices_come_before_live_sections()
    {
        using var machine = new StreamTestMachine(fill: false);
        machine.Registry.Register(new EarlyDev { X = 9 });
        byte[] stream = machine.Save(new MigrationStreamOptions { SendConfiguration = false, SendVmDescription = false });

        // Right after the header: FULL "early".
        Assert.Equal(0x04, stream[8]);
        Assert.Equal("early"u8.ToArray(), stream[14..19]);
    }
}
