using VmState.Description;
using VmState.Qemu.Isa;
using VmState.Schema;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>
/// The QEMU 7.2 device library (src/VmState.Qemu) against QEMU's own output: each description's -dump-vmstate entries
/// equal QEMU's text under every key, and its section of the recorded pc stream loads and saves back byte for byte.
/// </summary>
public sealed class QemuDeviceLibraryTests
{
    private static readonly byte[] Stream = Fixtures.Bytes("pc-16m.migration");

    public static TheoryData<string> Devices => ["port92", "pcspk", "i8259"];

    private static IVmStateObject Create(string name) => name switch
    {
        "port92" => new Port92(),
        "pcspk" => new PcSpeaker(),
        "i8259" => new I8259(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static VmStateDescription DescriptionOf(string name) => name switch
    {
        "port92" => Port92.VmStateDescription,
        "pcspk" => PcSpeaker.VmStateDescription,
        "i8259" => I8259.VmStateDescription,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string Entry(string dump, string key)
    {
        int start = dump.IndexOf("  \"" + key + "\": {\n", StringComparison.Ordinal);
        Assert.True(start >= 0, key + " missing from the dump");
        return dump[start..dump.IndexOf("\n  }", start, StringComparison.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Every_dump_entry_equals_qemus_text(string name)
    {
        VmStateDescription d = DescriptionOf(name);
        string ours = DumpVmStateWriter.Write("pc-i440fx-7.2", [d], new DumpVmStateOptions { IncludeNum = false });
        string qemu = Fixtures.Text("pc.vmstate.json");
        foreach (string key in d.DumpKeys)
        {
            Assert.Equal(Entry(qemu, key), Entry(ours, key));
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void The_recorded_section_loads_and_saves_back_byte_for_byte(string name)
    {
        StreamSections.Section section = StreamSections.FindFull(Stream, name);
        int length = DescriptionOf(name).WireSize;
        byte[] body = Stream.AsSpan(section.BodyStart, length).ToArray();
        // The section ends right after the body: QEMU's footer byte follows.
        Assert.Equal(0x7e, Stream[section.BodyStart + length]);

        IVmStateObject device = Create(name);
        var reader = new VmStateReader(body);
        device.LoadVmState(ref reader, section.Version);
        Assert.Equal(length, reader.Position);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        device.SaveVmState(ref writer);
        writer.Flush();
        Assert.Equal(body, output.WrittenSpan.ToArray());
    }
}
