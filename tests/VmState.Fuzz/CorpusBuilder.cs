using System.Buffers;
using System.Buffers.Binary;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using SampleMachine.Machine;
using VmState.Description;
using VmState.Migration;
using VmState.Schema;
using VmState.Wire;

namespace VmState.Fuzz;

/// <summary>
/// Writes the seed corpus (<c>--make-corpus</c>), small real inputs: the sample machine's streams at 1 MiB of RAM
/// (fresh, with a few pages written, in many RAM parts), QEMU 7.2's pc and q35
/// fixtures with their RAM pages cut out (the ram START and END frames and every device section kept), every
/// device's body (ours at power-on, and QEMU's where a fixture has that section), and small dumps.
/// </summary>
internal static class CorpusBuilder
{
    private static readonly string[] QemuFixtures = ["pc-16m.migration", "q35-16m.migration"];

    private static readonly string[] PcDumpSections = ["vmschkmachine", "e1000", "serial", "mc146818rtc", "fw_cfg"];

    public static void Write(string repoRoot, string corpusRoot, TextWriter log)
    {
        string fixtures = Path.Combine(repoRoot, "tests", "Fixtures");
        byte[][] qemu = [.. QemuFixtures.Select(f => File.ReadAllBytes(Path.Combine(fixtures, "qemu-7.2", f)))];
        byte[][] qemuSmall = [.. qemu.Select(WithoutRamPages)];
        List<byte[]> ours = OurStreams();

        // Each stream is 200-360 KB (the e1000's state alone is 199 KB, QEMU's VMDESCRIPTION 100 KB or more), so each
        // target gets two, to keep the whole corpus under 2 MB.
        Put(corpusRoot, "loader", [("sample-fresh.migration", ours[0]), ("sample-parts.migration", ours[2])]);
        Put(corpusRoot, "analyzer", [("sample-used.migration", ours[1]), ("q35-noram.migration", qemuSmall[1])]);
        // Both registries of the skipper: the sample machine's devices for odd lengths, an empty one for even.
        Put(corpusRoot, "skipper", [("pc-noram-odd.migration", Oddness(qemuSmall[0], 1)), ("sample-even.migration", Oddness(ours[0], 0))]);
        Put(corpusRoot, "check-json", Dumps(fixtures));
        Put(corpusRoot, "devices", DeviceBodies(qemu));
        long total = Directory.EnumerateFiles(corpusRoot, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        log.WriteLine($"corpus written to {corpusRoot}: {total} bytes");
    }

    private static void Put(string root, string target, IEnumerable<(string Name, byte[] Data)> files)
    {
        string dir = Path.Combine(root, target);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }

        Directory.CreateDirectory(dir);
        foreach ((string name, byte[] data) in files)
        {
            File.WriteAllBytes(Path.Combine(dir, name), data);
        }
    }

    private static List<byte[]> OurStreams()
    {
        var streams = new List<byte[]>();
        using (var fresh = new VirtualMachine(VirtualMachine.MinMemory))
        {
            streams.Add(Save(fresh.Registry, fresh.StreamOptions, 4 << 20));
        }

        using (var used = new VirtualMachine(VirtualMachine.MinMemory))
        {
            used.FillRandom(7, 3.0 / 256);
            streams.Add(Save(used.Registry, used.StreamOptions, 4 << 20));
            used.FillRandom(8, 3.0 / 256);
            // Small parts: START, several PARTs, END.
            streams.Add(Save(used.Registry, used.StreamOptions, 4096));
        }

        return streams;
    }

    private static byte[] Save(VmStateRegistry registry, MigrationStreamOptions options, long partBudget)
    {
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(registry, output, options, partBudget);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A QEMU stream without its RAM PART frames (pages); the ram START (block list) and END stay.</summary>
    private static byte[] WithoutRamPages(byte[] stream)
    {
        StreamFrames frames = StreamFrames.Parse(stream);
        HashSet<int> ram = [.. frames.Frames.Where(f => f.IdStr == "ram").Select(f => f.SectionId)];
        var output = new List<byte>(stream.Length / 4);
        foreach (Frame f in frames.Frames)
        {
            if (f.Kind == FrameKind.Tail)
            {
                throw new InvalidOperationException($"the fixture did not parse whole (tail at {f.Start})");
            }

            if (f.Kind == FrameKind.Section && f.Type == (byte)QemuSectionType.SectionPart && ram.Contains(f.SectionId))
            {
                continue;
            }

            output.AddRange(stream.AsSpan(f.Start, f.Length));
        }

        return [.. output];
    }

    // The skipper picks its registry by the input's length; a trailing byte after the VMDESCRIPTION sets it.
    private static byte[] Oddness(byte[] stream, int parity) => stream.Length % 2 == parity ? stream : [.. stream, 0x20];

    private static IEnumerable<(string, byte[])> Dumps(string fixtures)
    {
        string checker = Path.Combine(fixtures, "qemu-checker-data");
        yield return ("dump1.json", File.ReadAllBytes(Path.Combine(checker, "dump1.json")));
        yield return ("dump2.json", File.ReadAllBytes(Path.Combine(checker, "dump2.json")));

        // A few sections of QEMU's own pc dump, whole.
        var pc = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "qemu-7.2", "pc.vmstate.json")))!.AsObject();
        var small = new JsonObject();
        foreach (string name in PcDumpSections)
        {
            if (pc[name] is { } section)
            {
                small[name] = section.DeepClone();
            }
        }

        yield return ("pc-subset.json", Encoding.UTF8.GetBytes(small.ToJsonString()));

        // Ours: the sample machine's devices as our writer prints them.
        using var machine = new VirtualMachine(VirtualMachine.MinMemory);
        string ours = DumpVmStateWriter.Write(VirtualMachine.MachineType, Descriptions(machine.Registry));
        yield return ("sample.json", Encoding.UTF8.GetBytes(ours));
    }

    // A device type's static description (IVmStateObject.VmStateDescription is static abstract).
    private static IEnumerable<VmStateDescription> Descriptions(VmStateRegistry registry) =>
        registry.Entries.Select(e => e.Target).Where(t => t is IVmStateObject)
            .Select(d => (VmStateDescription)d.GetType().GetProperty(nameof(IVmStateObject.VmStateDescription), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);

    private static IEnumerable<(string, byte[])> DeviceBodies(byte[][] qemu)
    {
        IReadOnlyList<DevicesTarget.Device> entries = DevicesTarget.Entries;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < entries.Count && i < 256; i++)
        {
            // One body per description: QEMU's where a fixture has the section, else ours at power-on.
            DevicesTarget.Device entry = entries[i];
            if (!seen.Add(entry.Name))
            {
                continue;
            }

            byte[]? body = qemu.Select(s => QemuBody(s, entry.IdStr, entry.InstanceId)).FirstOrDefault(b => b is not null);
            yield return ($"{i:d3}-{Safe(entry.IdStr)}{(body is null ? "" : "-qemu")}.bin", [(byte)i, .. body ?? DevicesTarget.Device.Save(entry.State, all: false)]);
        }
    }

    private static byte[]? QemuBody(byte[] stream, string idStr, int instance)
    {
        foreach (Frame f in StreamFrames.Parse(stream).Frames)
        {
            if (f.Kind == FrameKind.Section && f.Type == (byte)QemuSectionType.SectionFull && f.IdStr == idStr
                && BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(f.IdStrAt + 1 + idStr.Length)) == instance)
            {
                int body = f.IdStrAt + 1 + idStr.Length + 8;
                return stream[body..(f.End - 5)];
            }
        }

        return null;
    }

    private static string Safe(string idStr) => new([.. idStr.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
}
