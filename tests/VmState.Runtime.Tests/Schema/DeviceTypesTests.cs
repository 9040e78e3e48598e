using VmState.Description;
using VmState.Runtime.Tests.Analysis;
using VmState.Schema;
using VmState.Wire;

namespace VmState.Runtime.Tests.Schema;

/// <summary>One channel of QEMU 7.2's i8254 (<c>PITChannelState</c>; C sizeof 56).</summary>
[VmState("pit channel", Version = 2, MinimumVersion = 2, DumpSize = 56)]
public partial class PitChannel
{
    [VmStateField("count")] public int Count;
    [VmStateField("latched_count")] public ushort LatchedCount;
    [VmStateField("count_latched")] public byte CountLatched;
    [VmStateField("status_latched")] public byte StatusLatched;
    [VmStateField("status")] public byte Status;
    [VmStateField("read_state")] public byte ReadState;
    [VmStateField("write_state")] public byte WriteState;
    [VmStateField("write_latch")] public byte WriteLatch;
    [VmStateField("rw_mode")] public byte RwMode;
    [VmStateField("mode")] public byte Mode;
    [VmStateField("bcd")] public byte Bcd;
    [VmStateField("gate")] public byte Gate;
    [VmStateField("count_load_time")] public long CountLoadTime;
    [VmStateField("next_transition_time")] public long NextTransitionTime;

    // Migrated by the PIT, outside this description, as QEMU does.
    public uint IrqDisabled;
}

/// <summary>QEMU 7.2's i8254, which its dump lists under three device types.</summary>
[VmState("i8254", Version = 3, MinimumVersion = 2, DeviceTypes = ["isa-pit", "kvm-pit", "pit-common"])]
public partial class Pit
{
    // QEMU migrates two members of channel 0 outside the channel description: paths reach them, in attribute order.
    [VmStateField("channels[0].irq_disabled", Path = "[0].IrqDisabled", Since = 3)]
    [VmStateField("channels", Length = 3, Since = 2)]
    [VmStateField("channels[0].next_transition_time", Path = "[0].NextTransitionTime")]
    public PitChannel[] Channels = [new(), new(), new()];
}

/// <summary>A description with several -dump-vmstate keys writes one entry under each.</summary>
public sealed class DeviceTypesTests
{
    private static string Entry(string dump, string key)
    {
        int start = dump.IndexOf("  \"" + key + "\": {\n", StringComparison.Ordinal);
        Assert.True(start >= 0, key + " missing from the dump");
        return dump[start..dump.IndexOf("\n  }", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void Every_key_gets_qemus_entry_text()
    {
        Assert.Equal(["isa-pit", "kvm-pit", "pit-common"], Pit.VmStateDescription.DumpKeys);
        Assert.Equal("isa-pit", Pit.VmStateDescription.DeviceType);

        string ours = DumpVmStateWriter.Write("pc-i440fx-7.2", [Pit.VmStateDescription], new DumpVmStateOptions { IncludeNum = false });
        string qemu = QemuFixtures.Text("pc.vmstate.json");
        foreach (string key in new[] { "isa-pit", "kvm-pit", "pit-common" })
        {
            Assert.Equal(Entry(qemu, key), Entry(ours, key));
        }
    }

    [Fact]
    public void Qemus_i8254_section_loads_through_the_paths_and_saves_back_byte_for_byte()
    {
        byte[] stream = QemuFixtures.Stream;
        // A FULL section (type 4, be32 id) named "i8254", then be32 instance and version, then the body.
        byte[] name = "\u0005i8254"u8.ToArray();
        int at = Enumerable.Range(5, stream.Length - 16).First(i => stream[i - 5] == 0x04 && stream.AsSpan(i, name.Length).SequenceEqual(name));
        int version = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(at + name.Length + 4));
        Assert.Equal(3, version);
        byte[] body = stream.AsSpan(at + name.Length + 8, Pit.VmStateDescription.WireSize).ToArray();

        var pit = new Pit();
        VmStateSerializer.Load(pit, body, version);
        // What QEMU's analyze-migration.py shows for this section (pc-16m.analyze-state.json).
        Assert.Equal(0x10000, pit.Channels[0].Count);
        Assert.Equal(0xcced47bfL, pit.Channels[0].NextTransitionTime);
        Assert.Equal(0x1f36228L, pit.Channels[0].CountLoadTime);
        Assert.Equal(3, pit.Channels[1].Mode);
        Assert.Equal(body, VmStateSerializer.Save(pit));
    }

    [Fact]
    public void A_path_through_a_missing_element_is_a_typed_error_naming_the_field()
    {
        var pit = new Pit { Channels = [] };
        VmStateSaveException e = Assert.Throws<VmStateSaveException>(() => VmStateSerializer.Save(pit));
        Assert.Contains("channels[0].irq_disabled", e.Message, StringComparison.Ordinal);
        Assert.Contains("indexes [0] of an array of 0", e.Message, StringComparison.Ordinal);

        byte[] bytes = VmStateSerializer.Save(new Pit());
        var broken = new Pit { Channels = null! };
        VmStateLoadException load = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(broken, bytes));
        Assert.Contains("channels[0].irq_disabled", load.Message, StringComparison.Ordinal);
        Assert.Contains("null", load.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_key_is_the_device_type_or_the_name()
    {
        Assert.Equal(["pit channel"], PitChannel.VmStateDescription.DumpKeys);
        Assert.True(PitChannel.VmStateDescription.DeviceTypes.IsEmpty);
    }
}
