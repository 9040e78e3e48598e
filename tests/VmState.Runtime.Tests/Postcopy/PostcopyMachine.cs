using System.Buffers;
using System.Security.Cryptography;
using VmState.Migration;
using VmState.Ram;
using VmState.Runtime.Tests.Migration;

namespace VmState.Runtime.Tests.Postcopy;

/// <summary>A machine for postcopy tests: 256 pages of RAM and a small ROM, and a device, with a hash of all of it.</summary>
internal sealed class PostcopyMachine : IDisposable
{
    public const int Pages = 256;

    public PostcopyMachine(int seed)
    {
        Ram = new RamBlock("pc.ram", Pages * RamBlock.PageSize);
        Rom = new RamBlock("pc.rom", 8 * RamBlock.PageSize);
        RamSection = new RamSection([Ram, Rom]);
        Registry.RegisterLive(RamSection.IdStr, RamSection, RamSection.SectionVersion);
        Registry.Register(Dev);
        if (seed != 0)
        {
            var rng = new Random(seed);
            byte[] page = new byte[RamBlock.PageSize];
            for (int p = 0; p < Pages; p++)
            {
                // Some zero pages too, sent as ZERO records.
                if (p % 5 != 0)
                {
                    rng.NextBytes(page);
                    Ram.Write((long)p * RamBlock.PageSize, page);
                }
            }

            Rom.Write(0, "rom"u8);
            Dev.A = (uint)seed;
            Dev.Buf[1] = 9;
        }
    }

    public static MigrationStreamOptions Options { get; } = new() { MachineName = "postcopy-test", OpenReturnPath = true, Postcopy = true };

    public VmStateRegistry Registry { get; } = new();

    public RamBlock Ram { get; }

    public RamBlock Rom { get; }

    public RamSection RamSection { get; }

    public MigDev Dev { get; } = new();

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

        var output = new ArrayBufferWriter<byte>();
        var writer = new VmState.Wire.VmStateWriter(output) { SaveAllSubsections = true };
        Dev.SaveVmState(ref writer);
        writer.Flush();
        sha.AppendData(output.WrittenSpan);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// A whole postcopy stream written in memory: a precopy pass cut after <paramref name="precopyBytes"/>, page
    /// <paramref name="dirtied"/> written again, the switch, then the rest. Returns the stream and the discards.
    /// </summary>
    public (byte[] Stream, IReadOnlyList<PostcopyDiscardRange> Discards) SavePostcopy(long precopyBytes, int dirtied)
    {
        var output = new ArrayBufferWriter<byte>();
        var saver = new MigrationSaver(Registry, output, Options);
        try
        {
            saver.SaveStreamSetup();
            saver.SaveStreamIterate(precopyBytes);
            Ram.Write((long)dirtied * RamBlock.PageSize, "again"u8);
            IReadOnlyList<PostcopyDiscardRange> discards = saver.SaveStreamStartPostcopy();
            while (!saver.SaveStreamIterate(16 * RamBlock.PageSize))
            {
            }

            saver.SaveStreamCompletePostcopy();
            return (output.WrittenSpan.ToArray(), discards);
        }
        finally
        {
            saver.SaveStreamCleanup();
        }
    }

    public void Dispose()
    {
        Ram.Dispose();
        Rom.Dispose();
    }
}
