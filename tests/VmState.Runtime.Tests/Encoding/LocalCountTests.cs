using VmState.Description;
using VmState.Wire;

namespace VmState.Runtime.Tests.Encoding;

/// <summary>A variable array whose count is not migrated: each side sizes it from its own configuration.</summary>
[VmState("k-local-count")]
public partial class HotplugSlots
{
    public HotplugSlots(int slots)
    {
        Slots = slots;
        Status = new uint[slots];
    }

    public HotplugSlots()
        : this(0)
    {
    }

    // Configuration, not state: both sides are started with the same number.
    public int Slots { get; }

    [VmStateField] public byte Flags;
    [VmStateField(Count = nameof(Slots))] public uint[] Status;
}

public sealed class LocalCountTests
{
    [Fact]
    public void The_array_takes_the_local_count_and_the_count_is_not_on_the_wire()
    {
        var source = new HotplugSlots(3) { Flags = 0x81, Status = [1, 2, 0xdeadbeef] };
        byte[] bytes = Hex.AssertSaves(source, "81" + "00000001" + "00000002" + "deadbeef");

        var destination = new HotplugSlots(3);
        VmStateSerializer.Load(destination, bytes);
        Assert.Equal(0x81, destination.Flags);
        Assert.Equal([1u, 2u, 0xdeadbeef], destination.Status);
    }

    [Fact]
    public void A_destination_configured_for_more_slots_than_the_stream_has_fails_at_the_end_of_input()
    {
        byte[] bytes = VmStateSerializer.Save(new HotplugSlots(2) { Status = [7, 8] });

        VmStateException e = Assert.ThrowsAny<VmStateException>(() => VmStateSerializer.Load(new HotplugSlots(1000), bytes));
        Assert.Contains("Status", e.Message, StringComparison.Ordinal);
    }
}
