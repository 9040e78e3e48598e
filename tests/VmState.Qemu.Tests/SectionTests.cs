using System.Buffers;
using VmState.Description;
using VmState.Migration;
using VmState.Qemu.Machines;
using VmState.Wire;

namespace VmState.Qemu.Tests;

/// <summary>
/// Every device section of QEMU 7.2's pc and q35 streams against the library, each device taken from a machine of
/// the stream's own layout: its load of the real section saves back the same bytes and describes itself in the
/// stream's own VMDESCRIPTION text, and its <c>-dump-vmstate</c> entries equal QEMU's under every key it claims.
/// </summary>
public sealed class SectionTests
{
    private static readonly Dictionary<string, QemuMachineLayout> Layouts = [];

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

    // The stream's layout, as an import reads it; each test makes a fresh machine of it, so no section sees another's load.
    private static QemuMachineLayout LayoutOf(string machine)
    {
        lock (Layouts)
        {
            if (!Layouts.TryGetValue(machine, out QemuMachineLayout? layout))
            {
                Layouts[machine] = layout = QemuStreams.Layout(QemuFixtures.Bytes(QemuFixtures.Of(machine).Stream));
            }

            return layout;
        }
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void The_section_loads_saves_back_byte_for_byte_and_describes_itself_as_qemu_does(string machine, string idStr, int instance)
    {
        byte[] stream = QemuFixtures.Bytes(QemuFixtures.Of(machine).Stream);
        QemuFixtures.Device device = QemuFixtures.Devices(stream).Single(d => d.Name == idStr && d.InstanceId == instance);
        QemuFixtures.Section section = QemuFixtures.FindFull(stream, idStr, instance);
        using QemuMachine fresh = QemuMachine.Create(LayoutOf(machine));
        object model = fresh.Devices.Single(d => d.Section.IdStr == idStr && d.Section.InstanceId == instance).Device;
        if (model is StateSectionHandler handler)
        {
            OldStyleSectionRoundTrip(stream, device, section, handler);
            return;
        }

        var described = (IVmStateObject)model;
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        described.LoadVmState(ref reader, section.Version);
        int length = (int)(reader.Position - section.BodyStart);

        // QEMU's footer (0x7e and the section id) follows the body: the load took exactly the section.
        Assert.Equal(0x7e, stream[section.BodyStart + length]);
        Assert.Equal(section.SectionId, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(section.BodyStart + length + 1)));

        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        described.SaveVmState(ref writer);
        writer.Flush();
        Assert.Equal(stream.AsSpan(section.BodyStart, length).ToArray(), output.WrittenSpan.ToArray());

        var json = new VmDescriptionWriter();
        json.BeginObject();
        json.String("name", idStr);
        json.Number("instance_id", instance);
        described.DescribeVmState(json);
        json.EndObject();
        Assert.Equal(device.Json, json.ToString());
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void With_every_subsection_sent_the_section_loads_into_a_fresh_device_and_saves_the_same(string machine, string idStr, int instance)
    {
        // The recordings send few subsections; this sends all of them, so each one's save and load meet at least once.
        byte[] stream = QemuFixtures.Bytes(QemuFixtures.Of(machine).Stream);
        QemuFixtures.Section section = QemuFixtures.FindFull(stream, idStr, instance);
        using QemuMachine first = QemuMachine.Create(LayoutOf(machine));
        using QemuMachine second = QemuMachine.Create(LayoutOf(machine));
        if (Find(first, idStr, instance) is not IVmStateObject a || Find(second, idStr, instance) is not IVmStateObject b)
        {
            return; // an old-style section has no subsections
        }

        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        a.LoadVmState(ref reader, section.Version);
        byte[] all = SaveAll(a);
        var again = new VmStateReader(all);
        b.LoadVmState(ref again, Library(a).Version);
        Assert.Equal(all.Length, again.Position);
        Assert.Equal(all, SaveAll(b));
    }

    private static object Find(QemuMachine m, string idStr, int instance) =>
        m.Devices.Single(d => d.Section.IdStr == idStr && d.Section.InstanceId == instance).Device;

    private static VmStateDescription Library(IVmStateObject device) =>
        (VmStateDescription)device.GetType().GetProperty(nameof(IVmStateObject.VmStateDescription))!.GetValue(null)!;

    private static byte[] SaveAll(IVmStateObject device)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output) { SaveAllSubsections = true };
        device.SaveVmState(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The catalog's descriptions that QEMU's dump lists.</summary>
    public static TheoryData<string, string> DumpedDescriptions()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in QemuFixtures.Machines)
        {
            string dump = QemuFixtures.Text(m.Dump);
            foreach (string name in QemuDeviceCatalog.Names.Order(StringComparer.Ordinal))
            {
                if (QemuDeviceCatalog.Find(name)!.Description is not null && QemuFixtures.DumpKeysOf(dump, name).Count > 0)
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
        VmStateDescription d = QemuDeviceCatalog.Find(vmsdName)!.Description!;
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

    // An old-style section (slirp) goes through a registry, as the machine uses it, and the runtime's own save gives
    // the section and the VMDESCRIPTION object to compare.
    private static void OldStyleSectionRoundTrip(byte[] stream, QemuFixtures.Device device, QemuFixtures.Section section, StateSectionHandler handler)
    {
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        handler.Load(ref reader, section.Version);
        int length = (int)(reader.Position - section.BodyStart);
        Assert.Equal(0x7e, stream[section.BodyStart + length]);

        var registry = new VmStateRegistry();
        registry.RegisterState(device.Name, handler, section.Version, device.InstanceId, section.SectionId);
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(registry, output, new MigrationStreamOptions { MachineName = "m" });
        byte[] ours = output.WrittenSpan.ToArray();
        int headerLength = 1 + 4 + 1 + device.Name.Length + 4 + 4;
        byte[] qemuSection = stream.AsSpan(section.BodyStart - headerLength, headerLength + length + 5).ToArray();
        Assert.True(ours.AsSpan().IndexOf(qemuSection) > 0, "our FULL section differs from QEMU's");
        Assert.Equal(device.Json, QemuFixtures.Devices(ours).Single().Json);
    }
}
