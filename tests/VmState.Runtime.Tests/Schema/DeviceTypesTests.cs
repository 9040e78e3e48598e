using VmState.Description;
using VmState.Runtime.Tests.Analysis;
using VmState.Schema;

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
    [VmStateField("channels[0].irq_disabled", Since = 3)]
    public uint IrqDisabled { get => Channels[0].IrqDisabled; set => Channels[0].IrqDisabled = value; }

    [VmStateField("channels", Length = 3, Since = 2)] public PitChannel[] Channels = [new(), new(), new()];

    [VmStateField("channels[0].next_transition_time")]
    public long NextTransition { get => Channels[0].NextTransitionTime; set => Channels[0].NextTransitionTime = value; }
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
    public void A_single_key_is_the_device_type_or_the_name()
    {
        Assert.Equal(["pit channel"], PitChannel.VmStateDescription.DumpKeys);
        Assert.True(PitChannel.VmStateDescription.DeviceTypes.IsEmpty);
    }
}
