using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;
using VmState.Analysis;
using VmState.Wire;

namespace VmState.Runtime.Tests.Analysis;

/// <summary>
/// <c>analyze --frames</c> against a real QEMU 7.2 postcopy migration recorded on the wire (both directions): every
/// frame the recording's own decoder found (tests/Fixtures/qemu-7.2/postcopy/*.decoded.txt) is listed at its offset
/// with the same command, section and values, the PACKAGED blob's frames inside it, and every return-path message.
/// </summary>
public sealed partial class FrameListingTests
{
    private static string Fixture(string name) => QemuFixtures.PathOf(Path.Combine("postcopy", name));

    // "   offset  t(..t)  TEXT" lines of the recording's decoder.
    [GeneratedRegex(@"^\s+(\d+)\s+\d+\.\d+(?:\.\.\d+\.\d+)?\s+(.*)$")]
    private static partial Regex DecodedLine();

    private static List<(long Offset, string Text)> Decoded(string name, string stopAt)
    {
        var lines = new List<(long, string)>();
        foreach (string line in File.ReadAllLines(Fixture(name)).SkipWhile(l => !l.StartsWith("== ", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith(stopAt, StringComparison.Ordinal)))
        {
            Match m = DecodedLine().Match(line);
            if (m.Success)
            {
                lines.Add((long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value));
            }
        }

        return lines;
    }

    private static IReadOnlyList<MigrationFrame> Frames(string stream, string? desc = null)
    {
        using var file = File.OpenRead(Fixture(stream));
        return MigrationStreamAnalyzer.Frames(file, desc is null ? null : MigrationStreamAnalyzer.DescriptionFrom(File.ReadAllBytes(Fixture(desc))));
    }

    [Fact]
    public void Every_frame_of_the_postcopy_stream_is_listed_as_the_recordings_decoder_found_it()
    {
        IReadOnlyList<MigrationFrame> frames = Frames("postcopy.migration", desc: "precopy.migration");
        Dictionary<long, MigrationFrame> byOffset = frames.ToDictionary(f => f.Offset);

        int checkedLines = 0;
        foreach ((long offset, string text) in Decoded("postcopy.decoded.txt", "-- totals"))
        {
            if (text.StartsWith("SECTION_PART", StringComparison.Ordinal))
            {
                continue; // the decoder folds the PART runs into one line each; counted below
            }

            Assert.True(byOffset.TryGetValue(offset, out MigrationFrame? frame), $"nothing listed at {offset} ({text})");
            string kind = text.Split(' ')[0];
            Assert.StartsWith(kind, frame.Text, StringComparison.Ordinal);
            if (kind == "COMMAND")
            {
                // "COMMAND NAME (cmd N, len L)" and the values the decoder printed.
                string head = text[..(text.IndexOf(')', StringComparison.Ordinal) + 1)];
                Assert.StartsWith(head, frame.Text, StringComparison.Ordinal);
                foreach (string value in Regex.Matches(text, @"(?:value|version|ram_pagesize_summary|target_page_size|ramblock)=\S+").Select(m => m.Value))
                {
                    Assert.Contains(value, frame.Text, StringComparison.Ordinal);
                }
            }
            else if (kind == "SECTION_FULL")
            {
                // "SECTION_FULL id=0 'timer' instance=0 version=2 body=24 bytes + footer"
                Assert.Equal(text.Replace(" + footer", "", StringComparison.Ordinal), frame.Text);
                Assert.True(frame.InPackage, $"{text} is inside the PACKAGED blob");
            }

            checkedLines++;
        }

        Assert.Equal(50, checkedLines);
        MigrationFrame[] parts = [.. frames.Where(f => f.Text.StartsWith("SECTION_PART id=2 'ram'", StringComparison.Ordinal))];
        Assert.Equal(22, parts.Length);
        Assert.Equal(875, frames.Sum(f => Count(f.Text, "PAGE")));
        Assert.Equal(3598, frames.Sum(f => Count(f.Text, "ZERO")));
        Assert.Equal("EOF", frames[^1].Text);
        Assert.Equal(3637307, frames[^1].Offset + frames[^1].Length);
    }

    [Fact]
    public void The_precopy_stream_lists_its_own_vmdescription_last()
    {
        IReadOnlyList<MigrationFrame> frames = Frames("precopy.migration");

        Assert.Equal("VMDESCRIPTION json 98771 bytes, 30 devices", frames[^1].Text);
        Assert.Equal(2819912, frames[^1].Offset);
        Assert.Equal(30, frames.Count(f => f.Text.StartsWith("SECTION_FULL", StringComparison.Ordinal) && !f.InPackage));
        Assert.Equal(676, frames.Sum(f => Count(f.Text, "PAGE")));
    }

    [Fact]
    public void A_postcopy_stream_without_a_description_names_the_first_device_it_cannot_walk()
    {
        var e = Assert.Throws<VmStateLoadException>(() => Frames("postcopy.migration"));

        Assert.Contains("No description for section 'timer' instance 0", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postcopy.return-path", "postcopy.decoded.txt", 16)]
    [InlineData("precopy.return-path", "precopy.decoded.txt", 2)]
    public void Every_return_path_message_is_read_as_the_recordings_decoder_read_it(string recording, string decoded, int count)
    {
        IReadOnlyList<(long Offset, ReturnPathMessage Message)> messages = MigrationStreamAnalyzer.ReturnPath(File.ReadAllBytes(Fixture(recording)));
        List<(long Offset, string Text)> expected = [.. File.ReadAllLines(Fixture(decoded))
            .SkipWhile(l => !l.Contains(".return-path:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("==", StringComparison.Ordinal))
            .Select(l => DecodedLine().Match(l)).Where(m => m.Success)
            .Select(m => (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value))];

        Assert.Equal(count, messages.Count);
        Assert.Equal(expected.Select(e => e.Offset), messages.Select(m => m.Offset));
        foreach (((long _, string text), (long _, ReturnPathMessage message)) in expected.Zip(messages))
        {
            // "NAME (type T, len L)" then value=, start= and ramblock= as the decoder printed them.
            Assert.StartsWith(text[..(text.IndexOf(')', StringComparison.Ordinal) + 1)], message.Describe(), StringComparison.Ordinal);
            foreach (string value in Regex.Matches(text, @"(?:value|start|length|ramblock)=[^\s(]+").Select(m => m.Value))
            {
                Assert.Contains(value, message.Describe(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Return_path_messages_written_read_back_the_same()
    {
        ReturnPathMessage[] messages =
        [
            new() { Type = QemuReturnPathMessageType.Shut, Length = 4, Value = 0 },
            new() { Type = QemuReturnPathMessageType.Pong, Length = 4, Value = 7 },
            new() { Type = QemuReturnPathMessageType.ReqPagesId, Length = 19, Start = 0x99e000, Size = 4096, Block = "pc.ram" },
            new() { Type = QemuReturnPathMessageType.ReqPages, Length = 12, Start = 0x9d2000, Size = 4096 },
            new() { Type = QemuReturnPathMessageType.RecvBitmap, Length = 7, Block = "pc.ram", Bitmap = [1, 2, 3, 4, 5, 6, 7, 8] },
            new() { Type = QemuReturnPathMessageType.ResumeAck, Length = 4, Value = 1 },
        ];
        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        foreach (ReturnPathMessage m in messages)
        {
            ReturnPathMessage.Write(ref writer, m);
        }

        writer.Flush();
        var reader = new VmStateReader(output.WrittenSpan);
        foreach (ReturnPathMessage m in messages)
        {
            ReturnPathMessage read = ReturnPathMessage.Read(ref reader);
            Assert.Equal(m.Describe(), read.Describe());
            Assert.Equal(m.Bitmap, read.Bitmap);
        }

        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("0000 0000", "invalid return-path message 0x0000")]
    [InlineData("0007 0000", "invalid return-path message 0x0007")] // SWITCHOVER_ACK is QEMU 8.1's
    [InlineData("0002 0003 000000", "bad length 0x0003 for return-path message PONG")]
    [InlineData("0004 000d 0000000000001000 00001000 00", "bad length 0x000d for return-path message REQ_PAGES")]
    [InlineData("0003 0010 0000000000001000 00001000 01 61 ffff", "REQ_PAGES_ID of length 16 whose data takes 14")]
    [InlineData("0005 0002 01 61 0000000000000001 ff 0000000000000000", "ends with 0x0, not its end mark")]
    public void A_return_path_message_qemu_does_not_send_is_a_load_error_naming_it(string hex, string expected)
    {
        byte[] bytes = Hex.Bytes(hex);

        var e = Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.ReturnPath(bytes));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0002 0003 000000", "PING received with bad length - expecting 4, received 3")]
    [InlineData("0003 0008 0000000000001000", "POSTCOPY_ADVISE received with bad length")]
    [InlineData("000c 0000", "MIG_CMD 0xc unknown")]
    [InlineData("0006 0005 01 01 61 00 00", "POSTCOPY_RAM_DISCARD of version 1")]
    [InlineData("0006 000c 00 01 61 00 0000000000000000", "are not its header and whole ranges")]
    [InlineData("000a 0003 01 61 62", "RECV_BITMAP of 3 bytes does not hold exactly a counted block name")]
    public void A_command_qemu_does_not_send_is_a_load_error_naming_it(string hex, string expected)
    {
        byte[] bytes = Hex.Bytes(hex);
        var reader = new VmStateReader(bytes);

        VmStateLoadException e;
        try
        {
            MigrationCommandFrame.Read(ref reader, 0);
            throw new Xunit.Sdk.XunitException("no error");
        }
        catch (VmStateLoadException caught)
        {
            e = caught;
        }

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private static int Count(string text, string kind)
    {
        Match m = Regex.Match(text, @"(\d+) " + kind + " ");
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}

/// <summary>A source that asks for QEMU's return path writes what QEMU 7.2 writes with its return-path capability.</summary>
public sealed class ReturnPathSourceTests
{
    [Fact]
    public void The_stream_opens_the_return_path_and_pings_right_after_the_configuration_as_qemu_does()
    {
        byte[] qemu = File.ReadAllBytes(QemuFixtures.PathOf(Path.Combine("postcopy", "precopy.migration")));
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        VmState.Migration.MigrationSaver.SaveSnapshot(
            new VmState.Migration.VmStateRegistry(),
            output,
            new VmState.Migration.MigrationStreamOptions { MachineName = "pc-i440fx-7.2", OpenReturnPath = true, SendVmDescription = false });

        // Header, configuration, OPEN_RETURN_PATH, PING 1: the recording's first 40 bytes; then our EOF.
        Assert.Equal(qemu[..40], output.WrittenSpan[..40].ToArray());
        Assert.Equal(new byte[] { 0 }, output.WrittenSpan[40..].ToArray());
    }

    [Fact]
    public void Only_commands_without_a_payload_or_with_a_be32_one_are_written()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        MigrationCommandFrame.Write(ref writer, QemuMigrationCommand.Packaged, 12907);
        writer.Flush();
        Assert.Equal(Hex.Bytes("08 0007 0004 0000326b"), output.WrittenSpan.ToArray());

        Assert.Throws<ArgumentException>(() =>
        {
            var w = new VmStateWriter(new System.Buffers.ArrayBufferWriter<byte>());
            MigrationCommandFrame.Write(ref w, QemuMigrationCommand.PostcopyRamDiscard);
        });
    }
}
