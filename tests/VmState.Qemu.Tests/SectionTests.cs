using System.Buffers;
using VmState.Description;
using VmState.Wire;

namespace VmState.Qemu.Tests;

/// <summary>
/// Every device section of QEMU 7.2's pc and q35 streams against the library: a type for each, whose load of the
/// real section saves back the same bytes and describes itself in the stream's own VMDESCRIPTION text, and whose
/// <c>-dump-vmstate</c> entries equal QEMU's under every key it claims.
/// </summary>
public sealed class SectionTests
{
    /// <summary>(machine, id string, instance) of every device section in both streams.</summary>
    public static TheoryData<string, string, int> Sections()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var m in QemuFixtures.Machines)
        {
            foreach (QemuFixtures.Device d in QemuFixtures.Devices(QemuFixtures.Bytes(m.Stream)))
            {
                data.Add(m.Machine, d.Name, d.InstanceId);
            }
        }

        return data;
    }

    [Theory]
    [InlineData("pc")]
    [InlineData("q35")]
    public void Every_device_section_has_a_library_type(string machine)
    {
        var m = QemuFixtures.Of(machine);
        string[] missing = [.. QemuFixtures.Devices(QemuFixtures.Bytes(m.Stream))
            .Where(d => (d.VmsdName is null ? Library.FindState(d.Name) : Library.Find(d.VmsdName)) is null)
            .Select(d => d.Name + "#" + d.InstanceId)
            .Distinct()];
        Assert.True(missing.Length == 0, $"{missing.Length} section(s) of the {machine} stream have no library type: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void The_section_loads_saves_back_byte_for_byte_and_describes_itself_as_qemu_does(string machine, string idStr, int instance)
    {
        var m = QemuFixtures.Of(machine);
        byte[] stream = QemuFixtures.Bytes(m.Stream);
        QemuFixtures.Device device = QemuFixtures.Devices(stream).Single(d => d.Name == idStr && d.InstanceId == instance);
        if (device.VmsdName is null)
        {
            OldStyleSectionRoundTrip(stream, device);
            return;
        }

        Type? type = Library.Find(device.VmsdName);
        if (type is null)
        {
            Assert.Fail($"no library type for {idStr} (see {nameof(Every_device_section_has_a_library_type)})");
        }

        QemuFixtures.Section section = QemuFixtures.FindFull(stream, idStr, instance);
        IVmStateObject model = Library.Create(type, machine);
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        model.LoadVmState(ref reader, section.Version);
        int length = (int)(reader.Position - section.BodyStart);

        // QEMU's footer (0x7e and the section id) follows the body: the load took exactly the section.
        Assert.Equal(0x7e, stream[section.BodyStart + length]);
        Assert.Equal(section.SectionId, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(section.BodyStart + length + 1)));

        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        model.SaveVmState(ref writer);
        writer.Flush();
        Assert.Equal(stream.AsSpan(section.BodyStart, length).ToArray(), output.WrittenSpan.ToArray());

        var json = new VmDescriptionWriter();
        json.BeginObject();
        json.String("name", idStr);
        json.Number("instance_id", instance);
        model.DescribeVmState(json);
        json.EndObject();
        Assert.Equal(device.Json, json.ToString());
    }

    /// <summary>The section-level descriptions of both streams that the library has and QEMU's dump lists.</summary>
    public static TheoryData<string, string> DumpedDescriptions()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in QemuFixtures.Machines)
        {
            foreach (string name in QemuFixtures.Devices(QemuFixtures.Bytes(m.Stream)).Select(VmsdName).Distinct())
            {
                if (Library.Find(name) is not null && QemuFixtures.DumpKeysOf(QemuFixtures.Text(m.Dump), name).Count > 0)
                {
                    data.Add(m.Machine, name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DumpedDescriptions))]
    public void Every_dump_entry_equals_qemus_text(string machine, string vmsdName)
    {
        var m = QemuFixtures.Of(machine);
        VmStateDescription d = Library.DescriptionOf(Library.Find(vmsdName)!);
        string ours = VmState.Schema.DumpVmStateWriter.Write(m.Type, [d], new VmState.Schema.DumpVmStateOptions { IncludeNum = false });
        string qemu = QemuFixtures.Text(m.Dump);

        // Each key ours claims is one of QEMU's for this description (QEMU may list more device types, such as
        // isa-vga, whose description has the same name and other fields), with the same text.
        IReadOnlyList<string> qemuKeys = QemuFixtures.DumpKeysOf(qemu, vmsdName);
        Assert.All(d.DumpKeys, key => Assert.Contains(key, qemuKeys));
        foreach (string key in d.DumpKeys)
        {
            Assert.Equal(QemuFixtures.DumpEntry(qemu, key), QemuFixtures.DumpEntry(ours, key));
        }
    }

    // An old-style section (slirp) has no vmsd_name; its handler goes through a registry, as the machine uses it,
    // and the runtime's own save gives the section and the VMDESCRIPTION object to compare.
    private static void OldStyleSectionRoundTrip(byte[] stream, QemuFixtures.Device device)
    {
        Type? type = Library.FindState(device.Name);
        Assert.True(type is not null, $"no library handler for the old-style section {device.Name}");
        QemuFixtures.Section section = QemuFixtures.FindFull(stream, device.Name, device.InstanceId);
        var handler = (VmState.Migration.StateSectionHandler)Activator.CreateInstance(type)!;
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        handler.Load(ref reader, section.Version);
        int length = (int)(reader.Position - section.BodyStart);
        Assert.Equal(0x7e, stream[section.BodyStart + length]);

        var registry = new VmState.Migration.VmStateRegistry();
        registry.RegisterState(device.Name, handler, section.Version, device.InstanceId, section.SectionId);
        var output = new ArrayBufferWriter<byte>();
        VmState.Migration.MigrationSaver.SaveSnapshot(registry, output, new VmState.Migration.MigrationStreamOptions { MachineName = "m" });
        byte[] ours = output.WrittenSpan.ToArray();
        int headerLength = 1 + 4 + 1 + device.Name.Length + 4 + 4;
        byte[] qemuSection = stream.AsSpan(section.BodyStart - headerLength, headerLength + length + 5).ToArray();
        Assert.True(ours.AsSpan().IndexOf(qemuSection) > 0, "our FULL section differs from QEMU's");
        Assert.Equal(device.Json, QemuFixtures.Devices(ours).Single().Json);
    }

    private static string VmsdName(QemuFixtures.Device d) => d.VmsdName ?? d.Name;
}
