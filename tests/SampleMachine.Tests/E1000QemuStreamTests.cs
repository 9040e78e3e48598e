using System.Buffers;
using VmState.Description;
using VmState.Qemu.E1000;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>The e1000 model against the e1000 section of a real QEMU 7.2 stream.</summary>
public sealed class E1000QemuStreamTests
{
    private const string IdStr = "0000:00:03.0/e1000";

    [Fact]
    public void Loads_the_real_section_and_saves_it_back_byte_identical()
    {
        byte[] stream = Fixtures.Bytes("pc-16m.migration");
        StreamSections.Section section = StreamSections.FindFull(stream, IdStr);
        Assert.Equal(2, section.Version);

        var nic = new E1000Nic();
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        nic.LoadVmState(ref reader, section.Version);
        int bodyLength = (int)(reader.Position - section.BodyStart);

        // The body is followed by the section footer with the same section id.
        Assert.Equal(0x7e, stream[section.BodyStart + bodyLength]);
        Assert.Equal(section.SectionId, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(section.BodyStart + bodyLength + 1)));

        byte[] saved = VmStateSerializer.Save(nic);
        Assert.Equal(stream.AsSpan(section.BodyStart, bodyLength).ToArray(), saved);
        Assert.Equal(bodyLength, VmStateSerializer.SizeOf(nic));
    }

    [Fact]
    public void Vmdescription_of_the_loaded_model_equals_qemus_text()
    {
        byte[] stream = Fixtures.Bytes("pc-16m.migration");
        StreamSections.Section section = StreamSections.FindFull(stream, IdStr);
        var nic = new E1000Nic();
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        nic.LoadVmState(ref reader, section.Version);

        string expected = StreamSections.DeviceObject(StreamSections.VmDescription(stream), IdStr);
        var json = new VmDescriptionWriter();
        json.BeginObject();
        json.String("name", IdStr);
        json.Number("instance_id", section.InstanceId);
        nic.DescribeVmState(json);
        json.EndObject();
        Assert.Equal(expected, json.ToString());
    }

    [Fact]
    public void Load_of_a_truncated_section_names_the_field_and_offset()
    {
        byte[] stream = Fixtures.Bytes("pc-16m.migration");
        StreamSections.Section section = StreamSections.FindFull(stream, IdStr);

        // Cut the body inside tx.data (after PCI 2+256+16.. bytes and the registers): about 1000 bytes in.
        int cut = 1000;
        var nic = new E1000Nic();
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() =>
        {
            var reader = new VmStateReader(stream.AsSpan(section.BodyStart, cut), section.BodyStart);
            VmStateSerializer.Load(nic, ref reader, section.Version);
        });
        // The offset is where tx.data starts: the field could not be read as a whole.
        Assert.InRange(e.Offset, section.BodyStart + 300, section.BodyStart + cut - 1);
        Assert.Equal("tx.data", e.FieldPath);
        Assert.Contains("e1000/tx.data", e.Message, StringComparison.Ordinal);
        Assert.True(e.IsEndOfInput);
    }

    [Fact]
    public void Save_into_existing_buffers_allocates_nothing()
    {
        byte[] stream = Fixtures.Bytes("pc-16m.migration");
        StreamSections.Section section = StreamSections.FindFull(stream, IdStr);
        var nic = new E1000Nic();
        var output = new byte[200_000];

        void Round()
        {
            var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
            nic.LoadVmState(ref reader, section.Version);
            var writer = new VmStateWriter(output.AsSpan());
            nic.SaveVmState(ref writer);
        }

        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
