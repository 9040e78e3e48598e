using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VmState.Fuzz;

/// <summary>
/// The harness's own structure-aware mutator, deterministic for a given <see cref="Random"/>. A migration stream is
/// cut into frames (<see cref="StreamFrames"/>) and mutated as one: wire numbers (lengths, counts, ids, versions,
/// RAM record headers, block lengths) set to boundary values, section types, ids and names, whole frames deleted,
/// repeated, swapped or spliced in from another corpus input, truncation at a frame boundary or anywhere, the
/// VMDESCRIPTION's JSON (its numbers such as <c>array_len</c> and <c>size</c>, its strings and its shape, with the
/// length prefix kept right most of the time), subsection headers, and plain byte flips. JSON input (a dump) gets
/// the JSON mutations; anything else (a device body behind its selector byte) gets byte-level ones.
/// </summary>
internal sealed partial class StructureMutator(Random random)
{
    /// <summary>Inputs do not grow past this (4 MiB).</summary>
    public const int MaxLength = 4 << 20;

    private static readonly ulong[] Boundaries = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

    private static readonly string[] JsonNumbers =
    [
        "0", "1", "-1", "2", "255", "256", "4096", "65535", "2147483647", "2147483648", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-2147483648", "1e400", "1.5", "-0", "1e9", "99999999999999999999",
    ];

    private static readonly string[] JsonOthers = ["null", "true", "false", "[]", "{}", "\"\"", "\"x\"", "\"\\u0000\"", "[0]", "{\"\": 0}"];

    private readonly Random _random = random;

    /// <summary>One to four stacked mutations of <paramref name="input"/>; <paramref name="corpus"/> feeds splicing.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        byte[] data = input;
        int count = 1 + _random.Next(_random.Next(2) == 0 ? 1 : 4);
        for (int i = 0; i < count; i++)
        {
            try
            {
                data = MutateOnce(data, corpus);
            }
            catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
            {
                // A mutation that met a shape it did not expect: a plain byte change instead, still deterministic.
                data = data.Length == 0 ? [0] : WithByte(data, _random.Next(data.Length), (byte)_random.Next(256));
            }

            if (data.Length > MaxLength)
            {
                data = data[..MaxLength];
            }
        }

        return data;
    }

    private byte[] MutateOnce(byte[] data, IReadOnlyList<byte[]> corpus)
    {
        if (StreamFrames.LooksLikeStream(data) && _random.Next(8) != 0)
        {
            return MutateStream(data, corpus);
        }

        if (LooksLikeJson(data) && _random.Next(8) != 0)
        {
            return MutateJson(data) ?? MutateBytes(data, corpus);
        }

        return MutateBytes(data, corpus);
    }

    private static bool LooksLikeJson(byte[] data)
    {
        foreach (byte b in data)
        {
            if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[';
        }

        return false;
    }

    // ---- streams ----

    private byte[] MutateStream(byte[] data, IReadOnlyList<byte[]> corpus)
    {
        StreamFrames frames = StreamFrames.Parse(data);
        List<Frame> list = frames.Frames;
        List<Frame> sections = [.. list.Where(f => f.Kind == FrameKind.Section)];
        switch (_random.Next(16))
        {
            case 0:
            case 1:
            case 2:
                return frames.Numbers.Count > 0 ? SetNumber(data, Pick(frames.Numbers)) : MutateBytes(data, corpus);
            case 3:
                if (sections.Count > 0)
                {
                    // A section's type byte: another frame type, a footer, or anything.
                    byte[] types = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x7e, 0x09, 0xff];
                    return WithByte(data, Pick(sections).Start, Pick(types));
                }

                break;
            case 4:
                if (sections.Any(s => s.IdStrAt >= 0))
                {
                    return Rename(data, Pick([.. sections.Where(s => s.IdStrAt >= 0)]), corpus);
                }

                break;
            case 5:
                // Truncate at a frame boundary, or inside a frame.
                Frame cut = Pick(list);
                int at = _random.Next(2) == 0 ? cut.Start : cut.Start + _random.Next(Math.Max(1, cut.Length));
                return data[..Math.Min(at, data.Length)];
            case 6:
                if (list.Count > 1)
                {
                    Frame drop = Pick(list);
                    return [.. data.AsSpan(0, drop.Start), .. data.AsSpan(drop.End)];
                }

                break;
            case 7:
                Frame again = Pick(list);
                int where = Pick(list).Start;
                return [.. data.AsSpan(0, where), .. data.AsSpan(again.Start, again.Length), .. data.AsSpan(where)];
            case 8:
                if (list.Count > 2)
                {
                    Frame a = Pick(list);
                    Frame b = Pick(list);
                    if (a.Start > b.Start)
                    {
                        (a, b) = (b, a);
                    }

                    if (a.End <= b.Start)
                    {
                        return [.. data.AsSpan(0, a.Start), .. data.AsSpan(b.Start, b.Length), .. data.AsSpan(a.End, b.Start - a.End), .. data.AsSpan(a.Start, a.Length), .. data.AsSpan(b.End)];
                    }
                }

                break;
            case 9:
                return Splice(data, list, corpus);
            case 10:
            case 11:
                if (frames.VmDescription is { } desc)
                {
                    return MutateDescription(data, desc);
                }

                break;
            case 12:
                if (frames.Subsections.Count > 0)
                {
                    return MutateSubsection(data, Pick(frames.Subsections));
                }

                break;
            case 13:
                if (frames.RamRecords.Count > 0)
                {
                    // A RAM record's flags: one flag bit flipped, or the address part set high.
                    int record = Pick(frames.RamRecords);
                    ulong header = BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(record));
                    header = _random.Next(2) == 0 ? header ^ (1UL << _random.Next(12)) : (header & 0xfff) | ((ulong)Pick(Boundaries) << 12);
                    byte[] copy = [.. data];
                    BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(record), header);
                    return copy;
                }

                break;
            case 14:
                if (sections.Count > 0)
                {
                    // A section id: another section's, or a boundary value.
                    Frame s = Pick(sections);
                    int id = _random.Next(2) == 0 ? Pick(sections).SectionId : (int)Pick(Boundaries);
                    byte[] copy = [.. data];
                    BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(s.Start + 1), id);
                    return copy;
                }

                break;
            default:
                break;
        }

        return MutateBytes(data, corpus);
    }

    private byte[] SetNumber(byte[] data, WireNumber number)
    {
        byte[] copy = [.. data];
        Span<byte> at = copy.AsSpan(number.Offset, number.Width);
        ulong old = number.Width switch
        {
            1 => at[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(at),
            4 => BinaryPrimitives.ReadUInt32BigEndian(at),
            _ => BinaryPrimitives.ReadUInt64BigEndian(at),
        };
        ulong value = _random.Next(4) switch
        {
            0 => old + 1,
            1 => old - 1,
            2 when number.Width == 8 => Pick<ulong>([ulong.MaxValue, (ulong)long.MaxValue, 1UL << 32, 1UL << 40, old << 1]),
            _ => Pick(Boundaries),
        };
        switch (number.Width)
        {
            case 1:
                at[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(at, (ushort)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32BigEndian(at, (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64BigEndian(at, value);
                break;
        }

        return copy;
    }

    private byte[] Rename(byte[] data, Frame section, IReadOnlyList<byte[]> corpus)
    {
        int at = section.IdStrAt;
        int oldLength = data[at];
        string old = section.IdStr ?? "";
        string name = _random.Next(6) switch
        {
            0 => "",
            1 => new string('a', 255),
            2 => old.Length > 0 ? old[..^1] : "x",
            3 => old + "\u001b[31m/\n",
            4 => OtherName(corpus) ?? old + "x",
            _ => old.Length > 0 ? old.Remove(_random.Next(old.Length), 1).Insert(_random.Next(old.Length), ((char)_random.Next(0x20, 0x7f)).ToString()) : "y",
        };
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length > 255)
        {
            bytes = bytes[..255];
        }

        return [.. data.AsSpan(0, at), (byte)bytes.Length, .. bytes, .. data.AsSpan(at + 1 + oldLength)];
    }

    private string? OtherName(IReadOnlyList<byte[]> corpus)
    {
        byte[] other = Pick(corpus);
        if (!StreamFrames.LooksLikeStream(other))
        {
            return null;
        }

        string?[] names = [.. StreamFrames.Parse(other).Frames.Where(f => f.IdStr is not null).Select(f => f.IdStr)];
        return names.Length == 0 ? null : Pick(names);
    }

    private byte[] Splice(byte[] data, List<Frame> list, IReadOnlyList<byte[]> corpus)
    {
        byte[] other = Pick(corpus);
        if (!StreamFrames.LooksLikeStream(other))
        {
            return MutateBytes(data, corpus);
        }

        List<Frame> theirs = StreamFrames.Parse(other).Frames;
        Frame donor = Pick(theirs);
        Frame mine = Pick(list);
        ReadOnlySpan<byte> piece = other.AsSpan(donor.Start, donor.Length);
        return _random.Next(2) == 0
            ? [.. data.AsSpan(0, mine.Start), .. piece, .. data.AsSpan(mine.End)]
            : [.. data.AsSpan(0, mine.Start), .. piece, .. data.AsSpan(mine.Start)];
    }

    private byte[] MutateDescription(byte[] data, Frame desc)
    {
        byte[] json = data[(desc.Start + 5)..desc.End];
        byte[] mutated = MutateJson(json) ?? MutateBytes(json, [json]);
        uint length = _random.Next(8) == 0 ? BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(desc.Start + 1)) : (uint)mutated.Length;
        byte[] prefix = new byte[5];
        prefix[0] = 0x06;
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), length);
        return [.. data.AsSpan(0, desc.Start), .. prefix, .. mutated, .. data.AsSpan(desc.End)];
    }

    private byte[] MutateSubsection(byte[] data, int at)
    {
        int len = data[at + 1];
        if (len == 0 || at + 6 + len > data.Length)
        {
            return WithByte(data, at, (byte)_random.Next(256));
        }

        byte[] copy = [.. data];
        switch (_random.Next(4))
        {
            case 0:
                // Another subsection name of the same length: one character changed.
                copy[at + 2 + _random.Next(len)] = (byte)_random.Next(0x21, 0x7f);
                return copy;
            case 1:
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(at + 2 + len), (uint)Pick(Boundaries));
                return copy;
            case 2:
                // Not a subsection marker any more.
                copy[at] = Pick<byte>([0x00, 0x04, 0x06, 0x7e]);
                return copy;
            default:
                // The subsection repeated.
                int end = Math.Min(data.Length, at + 6 + len + _random.Next(64));
                return [.. data.AsSpan(0, end), .. data.AsSpan(at, end - at), .. data.AsSpan(end)];
        }
    }

    // ---- JSON ----

    [GeneratedRegex("\"([A-Za-z_]+)\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)")]
    private static partial Regex NumberMember();

    [GeneratedRegex("\"([A-Za-z_]+)\"\\s*:\\s*\"([^\"\\\\]*)\"")]
    private static partial Regex StringMember();

    /// <summary>A JSON-aware edit; null when none applies.</summary>
    private byte[]? MutateJson(byte[] json)
    {
        string text = Encoding.UTF8.GetString(json);
        switch (_random.Next(6))
        {
            case 0:
            case 1:
                return ReplaceMatch(text, NumberMember(), 2, () => _random.Next(4) == 0 ? Pick(JsonOthers) : Pick(JsonNumbers));
            case 2:
                return ReplaceMatch(text, StringMember(), 2, () =>
                {
                    MatchCollection all = StringMember().Matches(text);
                    return _random.Next(3) switch
                    {
                        0 => all.Count > 0 ? Pick([.. all.Select(m => m.Groups[2].Value)]) : "",
                        1 => Pick(["", "struct", "uint8", "uint32", "buffer", "unused_buffer", "tmp", "timer", "int32 equal", "\u001b]0;x\u0007", "\\ud800"]),
                        _ => new string('n', 300),
                    };
                }, quoted: true);
            case 3:
            case 4:
                return MutateJsonTree(text);
            default:
                // A cut anywhere, or a byte of JSON syntax put in.
                int at = _random.Next(text.Length + 1);
                return _random.Next(2) == 0
                    ? Encoding.UTF8.GetBytes(text[..at])
                    : Encoding.UTF8.GetBytes(text.Insert(at, Pick(["{", "}", "[", "]", ",", ":", "\"", "0", "-", "\\"])));
        }
    }

    private byte[]? ReplaceMatch(string text, Regex regex, int group, Func<string> value, bool quoted = false)
    {
        MatchCollection matches = regex.Matches(text);
        if (matches.Count == 0)
        {
            return null;
        }

        Group g = matches[_random.Next(matches.Count)].Groups[group];
        string replacement = value();
        if (quoted)
        {
            replacement = replacement.Replace("\"", "\\\"", StringComparison.Ordinal);
        }

        return Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, g.Index), replacement, text.AsSpan(g.Index + g.Length)));
    }

    private byte[]? MutateJsonTree(string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is null)
        {
            return null;
        }

        List<JsonNode> nodes = [];
        Collect(root, nodes);
        JsonNode node = Pick(nodes);
        JsonNode? parent = node.Parent;
        if (parent is null)
        {
            return null;
        }

        switch (_random.Next(5))
        {
            case 0:
                Remove(parent, node);
                break;
            case 1 when parent is JsonArray array:
                array.Insert(array.IndexOf(node), node.DeepClone());
                break;
            case 2:
                Replace(parent, node, Pick(nodes).DeepClone());
                break;
            case 3:
                Replace(parent, node, new JsonArray(node.DeepClone()));
                break;
            default:
                Replace(parent, node, JsonNode.Parse(_random.Next(2) == 0 ? Pick(JsonNumbers) : Pick(JsonOthers)));
                break;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (KeyValuePair<string, JsonNode?> member in o)
                {
                    if (member.Value is not null)
                    {
                        Collect(member.Value, nodes);
                    }
                }

                break;
            case JsonArray a:
                foreach (JsonNode? item in a)
                {
                    if (item is not null)
                    {
                        Collect(item, nodes);
                    }
                }

                break;
            default:
                break;
        }
    }

    private static void Remove(JsonNode parent, JsonNode node)
    {
        if (parent is JsonObject o)
        {
            o.Remove(node.GetPropertyName());
        }
        else if (parent is JsonArray a)
        {
            a.Remove(node);
        }
    }

    private static void Replace(JsonNode parent, JsonNode node, JsonNode? with)
    {
        if (parent is JsonObject o)
        {
            o[node.GetPropertyName()] = with;
        }
        else if (parent is JsonArray a)
        {
            a[a.IndexOf(node)] = with;
        }
    }

    // ---- bytes ----

    private byte[] MutateBytes(byte[] data, IReadOnlyList<byte[]> corpus)
    {
        if (data.Length == 0)
        {
            return [(byte)_random.Next(256)];
        }

        // A device body keeps its selector byte most of the time.
        int from = data.Length > 1 && _random.Next(16) != 0 ? 1 : 0;
        int at = from + _random.Next(data.Length - from);
        byte[] copy = [.. data];
        switch (_random.Next(9))
        {
            case 0:
                copy[at] ^= (byte)(1 << _random.Next(8));
                return copy;
            case 1:
                copy[at] = (byte)Pick(Boundaries);
                return copy;
            case 2:
            {
                // A be32 (or be16, be64) boundary value at any offset.
                int width = Pick([2, 4, 4, 8]);
                if (at + width > copy.Length)
                {
                    return copy[..at];
                }

                ulong value = Pick(Boundaries);
                if (width == 2)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(at), (ushort)value);
                }
                else if (width == 4)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(at), (uint)value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(at), value);
                }

                return copy;
            }

            case 3:
                return copy[..at];
            case 4:
            {
                int n = 1 + _random.Next(Math.Min(64, data.Length - at));
                return [.. data.AsSpan(0, at), .. data.AsSpan(at + n)];
            }

            case 5:
            {
                byte[] extra = new byte[1 + _random.Next(16)];
                _random.NextBytes(extra);
                return [.. data.AsSpan(0, at), .. extra, .. data.AsSpan(at)];
            }

            case 6:
            {
                int n = 1 + _random.Next(Math.Min(256, data.Length - at));
                return [.. data.AsSpan(0, at + n), .. data.AsSpan(at, n), .. data.AsSpan(at + n)];
            }

            case 7:
            {
                // Splice: our head, another input's tail.
                byte[] other = Pick(corpus);
                int cut = other.Length == 0 ? 0 : _random.Next(other.Length);
                return [.. data.AsSpan(0, at), .. other.AsSpan(cut)];
            }

            default:
            {
                // A subsection marker in a body: its name or version.
                int marker = data.AsSpan(from).IndexOf((byte)0x05);
                if (marker >= 0 && from + marker + 6 < data.Length)
                {
                    return MutateSubsection(data, from + marker);
                }

                copy[at] = (byte)_random.Next(256);
                return copy;
            }
        }
    }

    private static byte[] WithByte(byte[] data, int at, byte value)
    {
        byte[] copy = [.. data];
        copy[at] = value;
        return copy;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
