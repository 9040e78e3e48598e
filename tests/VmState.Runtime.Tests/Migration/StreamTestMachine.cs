using System.Buffers;
using System.Security.Cryptography;
using VmState.Description;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Runtime.Tests.Migration;

/// <summary>A small machine for stream tests: two devices and two RAM blocks, with a hash of all of it.</summary>
internal sealed class StreamTestMachine : IDisposable
{
    public StreamTestMachine(bool fill)
    {
        Ram = new RamBlock("pc.ram", 16 * RamBlock.PageSize);
        Rom = new RamBlock("pc.rom", 4 * RamBlock.PageSize);
        RamSection = new RamSection([Ram, Rom]);
        Registry.RegisterLive(RamSection.IdStr, RamSection, RamSection.SectionVersion);
        Registry.Register(Dev0);
        Registry.Register(Dev1);
        Registry.Register(My);
        if (fill)
        {
            var rng = new Random(42);
            byte[] page = new byte[RamBlock.PageSize];
            for (int p = 0; p < 16; p += 3)
            {
                rng.NextBytes(page);
                Ram.Write((long)p * RamBlock.PageSize, page);
            }

            Rom.Write(100, "rom!"u8);
            Dev0.A = 0xdeadbeef;
            Dev0.Buf[3] = 7;
            Dev0.ExtraNeeded = true;
            Dev0.E = 0x1234;
            Dev1.A = 5;
            My.A = 0x11223344;
            My.B = true;
            My.Arr = [1, 2, 3];
            My.SubNeeded = true;
            My.X = -5;
        }
    }

    public VmStateRegistry Registry { get; } = new();

    public RamBlock Ram { get; }

    public RamBlock Rom { get; }

    public RamSection RamSection { get; }

    public MigDev Dev0 { get; } = new();

    public MigDev Dev1 { get; } = new();

    public MyDev My { get; } = new();

    public static MigrationStreamOptions Options { get; } = new() { MachineName = "test-machine" };

    public byte[] Save(MigrationStreamOptions? options = null)
    {
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(Registry, output, options ?? Options);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Hash of every byte of RAM and every device's full state (all subsections).</summary>
    public string Hash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (RamBlock b in RamSection.Blocks)
        {
            for (long p = 0; p < b.PageCount; p++)
            {
                sha.AppendData(b.Page(p));
            }
        }

        foreach (IVmStateObject d in new IVmStateObject[] { Dev0, Dev1, My })
        {
            var output = new ArrayBufferWriter<byte>();
            var writer = new VmStateWriter(output) { SaveAllSubsections = true };
            d.SaveVmState(ref writer);
            writer.Flush();
            sha.AppendData(output.WrittenSpan);
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    public void Dispose()
    {
        Ram.Dispose();
        Rom.Dispose();
    }
}
