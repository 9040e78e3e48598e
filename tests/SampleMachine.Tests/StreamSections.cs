using System.Buffers.Binary;
using System.Text;

namespace SampleMachine.Tests;

/// <summary>
/// Finds one FULL section of a stream by its id string, independently of the runtime's loader, so the device tests
/// do not depend on the code they help to check.
/// </summary>
internal static class StreamSections
{
    public sealed record Section(int SectionId, string IdStr, int InstanceId, int Version, int BodyStart);

    public static Section FindFull(byte[] stream, string idStr)
    {
        byte[] name = Encoding.ASCII.GetBytes(idStr);
        for (int i = 5; i + 1 + name.Length + 8 <= stream.Length; i++)
        {
            // type byte, be32 section id, counted idstr
            if (stream[i] == name.Length && stream[i - 5] == 0x04 && stream.AsSpan(i + 1, name.Length).SequenceEqual(name))
            {
                int at = i + 1 + name.Length;
                return new Section(
                    BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(i - 4)),
                    idStr,
                    BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(at)),
                    BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(at + 4)),
                    at + 8);
            }
        }

        throw new InvalidOperationException($"No FULL section '{idStr}' in the stream");
    }

    /// <summary>The raw VMDESCRIPTION JSON text at the end of the stream.</summary>
    public static string VmDescription(byte[] stream)
    {
        // EOF (0x00), 0x06, be32 length, JSON; find it by its known first bytes.
        byte[] start = Encoding.ASCII.GetBytes("{\"page_size\"");
        int at = stream.AsSpan().LastIndexOf(start);
        int length = BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(at - 4));
        Assert.Equal(0x06, stream[at - 5]);
        return Encoding.UTF8.GetString(stream, at, length);
    }

    /// <summary>The text of the device object named <paramref name="name"/> inside a compact VMDESCRIPTION.</summary>
    public static string DeviceObject(string vmdesc, string name)
    {
        string key = "{\"name\": \"" + name + "\"";
        int start = vmdesc.IndexOf(key, StringComparison.Ordinal);
        Assert.True(start >= 0, $"device {name} not in VMDESCRIPTION");
        int depth = 0;
        for (int i = start; i < vmdesc.Length; i++)
        {
            depth += vmdesc[i] switch { '{' or '[' => 1, '}' or ']' => -1, _ => 0 };
            if (depth == 0)
            {
                return vmdesc[start..(i + 1)];
            }
        }

        throw new InvalidOperationException("unbalanced JSON");
    }
}
