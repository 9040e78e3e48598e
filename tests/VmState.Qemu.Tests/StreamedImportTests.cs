using System.Security.Cryptography;
using VmState.Migration;
using VmState.Qemu.Machines;
using VmState.Ram;
using VmState.Tests.Support;

namespace VmState.Qemu.Tests;

/// <summary>
/// QEMU's streams read as streams: a file import equals the in-memory one, and a stream arriving in uneven pieces
/// (so that frames are cut and parsed again) loads the same RAM, although QEMU's RAM records continue a block across
/// PART frames.
/// </summary>
public sealed class StreamedImportTests
{
    [Theory]
    [InlineData("pc")]
    [InlineData("q35")]
    public void A_file_import_equals_the_in_memory_import(string machine)
    {
        byte[] qemu = QemuFixtures.Bytes(QemuFixtures.Of(machine).Stream);
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-import-{Guid.NewGuid():N}.mig");
        File.WriteAllBytes(file, qemu);
        try
        {
            using QemuMachine fromMemory = QemuStreams.Import(qemu).Machine;
            QemuImportResult fromFile = QemuStreams.ImportFile(file);
            using QemuMachine loaded = fromFile.Machine;

            Assert.Equal(qemu.Length, fromFile.Load.BytesRead);
            Assert.Equal(QemuStreams.Layout(qemu).Sections, QemuStreams.LayoutFile(file).Sections);
            Assert.Equal(Hash(fromMemory.RamBlocks), Hash(loaded.RamBlocks));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("pc-serial-none", 0)]
    [InlineData("pc-serial-none", 1)]
    [InlineData("pc", 0)]
    [InlineData("pc", 2)]
    [InlineData("q35", 0)]
    [InlineData("q35", 3)]
    public void Ram_arriving_in_uneven_pieces_loads_the_same(string machineName, int seed)
    {
        // Seed 0: whole reads, as from a file; the others: random pieces, as from a socket.
        byte[] qemu = QemuFixtures.Bytes(QemuFixtures.Of(machineName).Stream);
        using QemuMachine expected = QemuStreams.Import(qemu).Machine;
        using QemuMachine machine = QemuMachine.Create(QemuStreams.Layout(qemu));

        new MigrationLoader(machine.Registry, machine.StreamOptions).Load(new PieceStream(qemu, seed == 0 ? null : seed));

        Assert.Equal(Hash(expected.RamBlocks), Hash(machine.RamBlocks));
    }

    private static string Hash(IEnumerable<RamBlock> blocks)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (RamBlock b in blocks)
        {
            for (long p = 0; p < b.PageCount; p++)
            {
                sha.AppendData(b.Page(p));
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
