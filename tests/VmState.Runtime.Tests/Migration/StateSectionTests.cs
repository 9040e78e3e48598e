using System.Buffers;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Runtime.Tests.Migration;

/// <summary>Hand-written (old-style) sections and section numbers a machine gives, as a QEMU-identical machine needs.</summary>
public sealed class StateSectionTests
{
    /// <summary>A zero-terminated list of bytes, then a u16: a body only its own code can delimit.</summary>
    private sealed class ListState : StateSectionHandler
    {
        public List<byte> Items = [];
        public ushort Tail;

        public override void Save(ref VmStateWriter writer)
        {
            foreach (byte b in Items)
            {
                writer.WriteUInt8(b);
            }

            writer.WriteUInt8(0);
            writer.WriteUInt16(Tail);
        }

        public override void Load(ref VmStateReader reader, int versionId)
        {
            var items = new List<byte>();
            for (byte b; (b = reader.ReadUInt8()) != 0;)
            {
                items.Add(b);
            }

            Tail = reader.ReadUInt16();
            Items = items;
        }
    }

    private static byte[] Save(VmStateRegistry registry)
    {
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(registry, output, new MigrationStreamOptions { MachineName = "m" });
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_state_section_round_trips_and_is_described_as_one_buffer_as_qemu_does()
    {
        var source = new VmStateRegistry();
        source.RegisterState("slirp", new ListState { Items = [5, 6, 7], Tail = 0x1234 }, version: 4, sectionId: 4);
        byte[] stream = Save(source);

        // FULL, section 4, "slirp", instance 0, version 4, the body, then the footer.
        byte[] header = [0x04, 0, 0, 0, 4, 5, .. "slirp"u8, 0, 0, 0, 0, 0, 0, 0, 4, 5, 6, 7, 0, 0x12, 0x34, 0x7e, 0, 0, 0, 4];
        Assert.True(stream.AsSpan().IndexOf(header) > 0);

        var target = new ListState();
        var registry = new VmStateRegistry();
        registry.RegisterState("slirp", target, version: 4);
        MigrationLoadResult result = new MigrationLoader(registry, new MigrationStreamOptions { MachineName = "m" }).Load(stream);
        Assert.Equal(new byte[] { 5, 6, 7 }, target.Items);
        Assert.Equal(0x1234, target.Tail);
        Assert.Contains("{\"name\": \"slirp\", \"instance_id\": 0, \"size\": 6, \"fields\": [{\"name\": \"data\", \"size\": 6, \"type\": \"buffer\"}]}", result.VmDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_load_leaves_a_state_section_as_it_was()
    {
        var source = new VmStateRegistry();
        source.RegisterState("s", new ListState { Items = [1, 2], Tail = 9 }, version: 1);
        byte[] stream = Save(source);
        byte[] cut = stream[..(stream.AsSpan().IndexOf("\x01\x02\x00"u8) + 2)];

        var target = new ListState { Items = [42], Tail = 7 };
        var registry = new VmStateRegistry();
        registry.RegisterState("s", target, version: 1);
        Assert.ThrowsAny<VmStateLoadException>(() => new MigrationLoader(registry, new MigrationStreamOptions { MachineName = "m" }).Load(cut));
        Assert.Equal(new byte[] { 42 }, target.Items);
        Assert.Equal(7, target.Tail);
    }

    [Fact]
    public void Given_section_ids_are_written_and_later_ones_continue_after_the_highest()
    {
        var registry = new VmStateRegistry();
        SectionEntry timer = registry.Register(new EarlyDev(), sectionId: 0);
        SectionEntry dev = registry.Register(new MigDev(), sectionId: 7);
        SectionEntry next = registry.Register(new Iommu());
        Assert.Equal(0, timer.SectionId);
        Assert.Equal(7, dev.SectionId);
        Assert.Equal(8, next.SectionId);

        byte[] stream = Save(registry);
        Assert.True(stream.AsSpan().IndexOf((byte[])[0x04, 0, 0, 0, 7, 7, .. "mig-dev"u8]) > 0);
        Assert.True(stream.AsSpan().IndexOf((byte[])[0x04, 0, 0, 0, 0, 5, .. "early"u8]) > 0);

        ArgumentException taken = Assert.Throws<ArgumentException>(() => registry.RegisterState("x", new ListState(), 1, sectionId: 7));
        Assert.Contains("Section id 7 is already mig-dev (0)'s", taken.Message, StringComparison.Ordinal);
    }
}
