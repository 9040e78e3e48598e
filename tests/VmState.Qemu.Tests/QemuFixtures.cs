using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace VmState.Qemu.Tests;

/// <summary>
/// Real QEMU 7.2 output under tests/Fixtures/qemu-7.2 (see its README): the two machines' dumps and streams, read
/// here without the runtime's loader, so the tests do not lean on the code they check.
/// </summary>
internal static class QemuFixtures
{
    /// <summary>
    /// The recordings: a name, the QEMU machine type, its dump file, the stream file, and whether the machine has its
    /// default serial port (the older pc recording was made with <c>-serial none</c>).
    /// </summary>
    public static readonly (string Machine, string Type, string Dump, string Stream, bool Serial)[] Machines =
    [
        ("pc", "pc-i440fx-7.2", "pc.vmstate.json", "pc-default-16m.migration", true),
        ("q35", "pc-q35-7.2", "q35.vmstate.json", "q35-16m.migration", true),
        ("pc-serial-none", "pc-i440fx-7.2", "pc.vmstate.json", "pc-16m.migration", false),
    ];

    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Fixtures", "qemu-7.2");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/Fixtures/qemu-7.2 not found above " + AppContext.BaseDirectory);
    });

    private static readonly Dictionary<string, byte[]> Cache = [];

    public static byte[] Bytes(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out byte[]? bytes))
            {
                Cache[name] = bytes = File.ReadAllBytes(Path.Combine(Root.Value, name));
            }

            return bytes;
        }
    }

    public static string Text(string name) => Encoding.UTF8.GetString(Bytes(name));

    public static (string Machine, string Type, string Dump, string Stream, bool Serial) Of(string machine) =>
        Machines.Single(m => m.Machine == machine);

    /// <summary>One device of a stream's VMDESCRIPTION, in stream order.</summary>
    public sealed record Device(string Name, int InstanceId, string? VmsdName, string Json);

    /// <summary>The devices a stream's VMDESCRIPTION lists, each with its exact JSON text.</summary>
    public static IReadOnlyList<Device> Devices(byte[] stream)
    {
        string text = VmDescription(stream);
        using var doc = JsonDocument.Parse(text);
        var list = new List<Device>();
        int from = 0;
        foreach (JsonElement d in doc.RootElement.GetProperty("devices").EnumerateArray())
        {
            string name = d.GetProperty("name").GetString()!;
            int instance = d.GetProperty("instance_id").GetInt32();
            string? vmsd = d.TryGetProperty("vmsd_name", out JsonElement v) ? v.GetString() : null;
            string key = "{\"name\": \"" + name + "\", \"instance_id\": " + instance;
            int start = text.IndexOf(key, from, StringComparison.Ordinal);
            int end = ObjectEnd(text, start);
            list.Add(new Device(name, instance, vmsd, text[start..end]));
            from = end;
        }

        return list;
    }

    /// <summary>The VMDESCRIPTION JSON text after the stream's EOF.</summary>
    public static string VmDescription(byte[] stream)
    {
        byte[] start = Encoding.ASCII.GetBytes("{\"page_size\"");
        int at = stream.AsSpan().LastIndexOf(start);
        Assert.True(at > 5 && stream[at - 5] == 0x06, "no VMDESCRIPTION at the end of the stream");
        int length = BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(at - 4));
        return Encoding.UTF8.GetString(stream, at, length);
    }

    /// <summary>A FULL section: its header fields and where its body starts.</summary>
    public sealed record Section(int SectionId, string IdStr, int InstanceId, int Version, int BodyStart);

    /// <summary>The FULL section with this id string and instance (found by its header bytes).</summary>
    public static Section FindFull(byte[] stream, string idStr, int instanceId)
    {
        byte[] name = Encoding.ASCII.GetBytes(idStr);
        for (int i = 5; i + 1 + name.Length + 8 <= stream.Length; i++)
        {
            // 0x04, be32 section id, u8 length, id string, be32 instance, be32 version.
            if (stream[i] == name.Length && stream[i - 5] == 0x04 && stream.AsSpan(i + 1, name.Length).SequenceEqual(name))
            {
                int at = i + 1 + name.Length;
                int instance = BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(at));
                if (instance == instanceId)
                {
                    return new Section(
                        BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(i - 4)),
                        idStr,
                        instance,
                        BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(at + 4)),
                        at + 8);
                }
            }
        }

        throw new InvalidOperationException($"No FULL section '{idStr}' instance {instanceId} in the stream");
    }

    /// <summary>The text of one top-level entry of a <c>-dump-vmstate</c> file, up to its closing brace.</summary>
    public static string DumpEntry(string dump, string key)
    {
        int start = dump.IndexOf("  \"" + key + "\": {\n", StringComparison.Ordinal);
        Assert.True(start >= 0, key + " missing from the dump");
        return dump[start..dump.IndexOf("\n  }", start, StringComparison.Ordinal)];
    }

    /// <summary>The keys of a dump whose entry's description is named <paramref name="vmsdName"/>.</summary>
    public static IReadOnlyList<string> DumpKeysOf(string dump, string vmsdName)
    {
        using var doc = JsonDocument.Parse(dump);
        return [.. doc.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Object
                && p.Value.TryGetProperty("Description", out JsonElement d)
                && d.GetProperty("name").GetString() == vmsdName)
            .Select(p => p.Name)];
    }

    private static int ObjectEnd(string text, int start)
    {
        int depth = 0;
        bool inString = false;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c is '{' or '[')
            {
                depth++;
            }
            else if (c is '}' or ']' && --depth == 0)
            {
                return i + 1;
            }
        }

        throw new InvalidOperationException("unbalanced JSON");
    }
}
