using System.Security.Cryptography;
using SampleMachine.Devices.E1000;
using SampleMachine.Machine;
using VmState.Analysis;
using VmState.Description;
using VmState.Migration;
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
            "cpu" => new Devices.X86.X86Cpu(),
            "cpu_common" => new Devices.X86.CpuCommon(),
            _ => new E1000Nic(),
        };
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        device.LoadVmState(ref reader, section.Version);
        return (int)(reader.Position - section.BodyStart);
    }

    [Fact]
    public void Import_then_save_gives_qemus_section_bytes_and_ram()
    {
        (VirtualMachine machine, _) = QemuImport.Import(Stream);
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
            (VirtualMachine again, _) = QemuImport.Import(ours);
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
}
