using System.Buffers;
using VmState.Migration;
using VmState.Qemu.Machines;

namespace VmState.Qemu.Tests;

/// <summary>
/// Whole machines against QEMU 7.2's pc and q35 streams: the library's default layout is the one QEMU's stream
/// shows, an import loads every section, and the machine saves QEMU's bytes back.
/// </summary>
public sealed class MachineTests
{
    private static QemuMachineKind Kind(string machine) => QemuMachineKinds.TryParse(QemuFixtures.Of(machine).Type, out QemuMachineKind k) ? k : throw new ArgumentException(machine);

    [Theory]
    [InlineData("pc")]
    [InlineData("q35")]
    [InlineData("pc-serial-none")]
    public void The_default_layout_is_the_one_qemus_stream_shows(string machine)
    {
        byte[] stream = QemuFixtures.Bytes(QemuFixtures.Of(machine).Stream);
        QemuMachineLayout fromStream = QemuStreams.Layout(stream);
        QemuMachineLayout ours = QemuMachineLayout.Default(Kind(machine), 16L << 20, serial: QemuFixtures.Of(machine).Serial);
        Assert.Equal(fromStream.Kind, ours.Kind);
        Assert.Equal(fromStream.MachineType, ours.MachineType);
        Assert.Equal(fromStream.RamSectionId, ours.RamSectionId);
        Assert.Equal(fromStream.RamBlocks, ours.RamBlocks);
        Assert.Equal(fromStream.Sections, ours.Sections);
    }

    [Theory]
    [InlineData("pc")]
    [InlineData("q35")]
    [InlineData("pc-serial-none")]
    public void The_catalog_has_every_section_of_the_stream(string machine)
    {
        QemuMachineLayout layout = QemuStreams.Layout(QemuFixtures.Bytes(QemuFixtures.Of(machine).Stream));
        string[] missing = [.. layout.Sections.Where(s => QemuDeviceCatalog.Find(s.Name) is null).Select(s => s.IdStr).Distinct()];
        Assert.True(missing.Length == 0, $"not in the catalog: {string.Join(", ", missing)}");
    }

    [Theory]
    [InlineData("pc")]
    [InlineData("q35")]
    [InlineData("pc-serial-none")]
    public void An_import_loads_every_section_and_saves_qemus_bytes_back(string machine)
    {
        byte[] qemu = QemuFixtures.Bytes(QemuFixtures.Of(machine).Stream);
        QemuImportResult import = QemuStreams.Import(qemu, new QemuImportOptions { Machine = Kind(machine) });
        using QemuMachine loaded = import.Machine;
        Assert.Empty(import.Skipped);
        Assert.Equal(0, import.Load.FramesSkipped);
        Assert.Equal(qemu.Length, import.Load.BytesRead);

        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(loaded.Registry, output, loaded.StreamOptions);
        ResaveCheck.AssertSameAsQemu(qemu, output.WrittenSpan.ToArray());
    }
}
