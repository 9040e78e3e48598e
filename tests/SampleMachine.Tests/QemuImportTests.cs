using System.Security.Cryptography;
using SampleMachine.Machine;
using VmState.Analysis;
using VmState.Description;
using VmState.Migration;
using VmState.Qemu.E1000;
using VmState.Qemu.X86;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>Loading parts of a real QEMU 7.2 stream, skipping the rest by its VMDESCRIPTION.</summary>
public sealed class QemuImportTests
{
    private static readonly byte[] Stream = Fixtures.Bytes("pc-16m.migration");

    private static Dictionary<string, string> ExpectedBlockHashes() =>
        Fixtures.Text("pc-16m.ram-blocks.sha256").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split("  ", 2))
            .ToDictionary(p => p[1], p => p[0]);

    private static string Sha256(RamBlock block)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long p = 0; p < block.PageCount; p++)
        {
            sha.AppendData(block.Page(p));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    [Fact]
    public void All_nine_ram_blocks_load_with_qemus_contents_and_the_e1000_alone_beside_them()
    {
        (string machine, var blocks) = QemuImport.Inspect(Stream);
        Assert.Equal("pc-i440fx-7.2", machine);
        Assert.Equal(9, blocks.Count);
        var ram = blocks.Select(b => new RamBlock(b.Id, b.Length)).ToList();
        try
        {
            var registry = new VmStateRegistry();
            registry.RegisterLive(RamSection.IdStr, new RamSection(ram), RamSection.SectionVersion);
            var nic = new E1000Nic();
            registry.Register(nic, devicePath: "0000:00:03.0");
            var loader = new MigrationLoader(registry, new MigrationStreamOptions { MachineName = machine })
            {
                UnknownSections = VmDescriptionSkipper.FromStream(Stream),
            };

            MigrationLoadResult result = loader.Load(Stream);

            Assert.Equal(Stream.Length, result.BytesRead);
            Assert.True(result.FramesSkipped >= 32);
            Dictionary<string, string> expected = ExpectedBlockHashes();
            foreach (RamBlock block in ram)
            {
                Assert.Equal(expected[block.Id.TrimStart('/')], Sha256(block));
            }

            StreamSections.Section section = StreamSections.FindFull(Stream, "0000:00:03.0/e1000");
            byte[] saved = VmStateSerializer.Save(nic);
            Assert.Equal(Stream.AsSpan(section.BodyStart, saved.Length).ToArray(), saved);
            Assert.Equal(0x7e, Stream[section.BodyStart + saved.Length]);
        }
        finally
        {
            ram.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void Without_the_import_option_an_unknown_section_is_an_error_and_nothing_changes()
    {
        using var machine = new VirtualMachine(16L << 20) { MachineTypeName = "pc-i440fx-7.2" };
        machine.RamSection.SkipUnknownBlocks = true;
        string before = machine.StateHash();
        var e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(machine.Registry, machine.StreamOptions).Load(Stream));
        Assert.Contains("Unknown savevm section or instance 'timer' 0", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, machine.StateHash());
    }

    // The length of a body, by loading it (the format has no lengths of its own).
    private static int BodyLength(StreamSections.Section section, byte[]? stream = null)
    {
        stream ??= Stream;
        IVmStateObject device = section.IdStr switch
        {
            "cpu" => new X86Cpu(),
            "cpu_common" => new CpuCommon(),
            _ => new E1000Nic(),
        };
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        device.LoadVmState(ref reader, section.Version);
        return (int)(reader.Position - section.BodyStart);
    }

    [Fact]
    public void Import_then_save_gives_qemus_section_bytes_and_ram()
    {
        (VirtualMachine machine, _, _) = QemuImport.Import(Stream, skipUnknown: true);
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-import-{Guid.NewGuid():N}.vmsnap");
        try
        {
            using (machine)
            {
                Assert.Equal(ExpectedBlockHashes()["pc.ram"], Sha256(machine.Ram));
                machine.SaveSnapshot(file);
            }

            byte[] ours = File.ReadAllBytes(file);
            foreach (string idStr in new[] { "cpu_common", "cpu", "0000:00:03.0/e1000" })
            {
                StreamSections.Section original = StreamSections.FindFull(Stream, idStr);
                StreamSections.Section saved = StreamSections.FindFull(ours, idStr);
                int length = BodyLength(original);
                Assert.Equal(length, BodyLength(saved, ours));
                Assert.Equal(Stream.AsSpan(original.BodyStart, length).ToArray(), ours.AsSpan(saved.BodyStart, length).ToArray());
                Assert.Equal(0x7e, ours[saved.BodyStart + length]);
            }

            // And the written stream loads back into a machine of the same type with the same state.
            (VirtualMachine again, _, _) = QemuImport.Import(ours, skipUnknown: false);
            using (again)
            {
                Assert.Equal(ExpectedBlockHashes()["pc.ram"], Sha256(again.Ram));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Without_skip_unknown_the_import_fails_naming_every_part_it_does_not_model()
    {
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => QemuImport.Import(Stream, skipUnknown: false));
        Assert.Contains("'timer' 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("'mc146818rtc' 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("RAM block 'pc.bios'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'cpu' 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_skip_unknown_every_skipped_section_and_ram_block_is_listed()
    {
        (VirtualMachine machine, _, IReadOnlyList<string> skipped) = QemuImport.Import(Stream, skipUnknown: true);
        using (machine)
        {
            // The stream's own device list (VMDESCRIPTION) less what we model, and its RAM blocks less pc.ram.
            using var doc = System.Text.Json.JsonDocument.Parse(VmDescriptionSkipper.FindVmDescription(Stream)!);
            string[] ours = ["cpu_common", "cpu", "0000:00:03.0/e1000"];
            IEnumerable<string> devices = doc.RootElement.GetProperty("devices").EnumerateArray()
                .Select(d => (Name: d.GetProperty("name").GetString()!, Instance: d.GetProperty("instance_id").GetInt32()))
                .Where(d => !ours.Contains(d.Name))
                .Select(d => $"'{d.Name}' {d.Instance}");
            IEnumerable<string> blocks = QemuImport.Inspect(Stream).Blocks.Where(b => b.Id != "pc.ram").Select(b => $"RAM block '{b.Id}'");
            Assert.Equal(blocks.Concat(devices).Order(StringComparer.Ordinal), skipped.Order(StringComparer.Ordinal));
            Assert.True(skipped.Count > 30, string.Join(", ", skipped));
        }
    }

    [Fact]
    public void A_nic_at_another_pci_address_is_found_by_the_stream_and_loaded_not_skipped()
    {
        // q35 puts its e1000 at 0000:00:02.0.
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-q35nic-{Guid.NewGuid():N}.vmsnap");
        try
        {
            string expected;
            using (var source = new VirtualMachine(16L << 20, nicPath: "0000:00:02.0"))
            {
                source.Nic.MacReg[E1000Registers.Ctrl] = 0x0014_0248;
                source.SaveSnapshot(file);
                expected = source.StateHash();
            }

            (VirtualMachine machine, _, IReadOnlyList<string> skipped) = QemuImport.Import(File.ReadAllBytes(file), skipUnknown: false);
            using (machine)
            {
                Assert.Empty(skipped);
                Assert.Equal("0000:00:02.0", machine.NicDevicePath);
                Assert.Equal(0x0014_0248u, machine.Nic.MacReg[E1000Registers.Ctrl]);
                Assert.Equal(expected, machine.StateHash());
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
