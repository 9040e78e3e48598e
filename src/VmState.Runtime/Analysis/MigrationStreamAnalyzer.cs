using System.Globalization;
using System.Text.Json;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Analysis;

/// <summary>
/// Decodes any migration stream from its own VMDESCRIPTION, with no device code, following the rules of QEMU's
/// <c>scripts/analyze-migration.py</c>: the <c>ram</c> section by its record format, every other section by walking
/// its description (sizes, array lengths, structs, the subsections that were sent), footers checked. The result
/// prints as that script's <c>--dump state</c> and <c>--dump desc</c> output.
/// </summary>
/// <remarks>
/// Over a <see cref="Stream"/> the input is read a frame at a time (the description from the stream's last
/// <see cref="DescriptionWindow"/> bytes, as the script reads it), so memory is bounded by the largest frame and the
/// decoded tree, never by the stream's size.
/// </remarks>
public static class MigrationStreamAnalyzer
{
    /// <summary>How far from its end the VMDESCRIPTION is looked for: the script's 10 MiB.</summary>
    public const int DescriptionWindow = VmDescriptionSkipper.DescriptionWindow;

    /// <summary>The largest frame buffered when reading a <see cref="Stream"/> (1 GiB), as the loader's default.</summary>
    public const int MaxStreamedFrame = 1 << 30;

    /// <summary>The stream's VMDESCRIPTION as the script prints it with <c>--dump desc</c>.</summary>
    /// <exception cref="VmStateLoadException">The stream is not a version 3 stream or has no readable VMDESCRIPTION.</exception>
    public static AnalysisObject Description(ReadOnlySpan<byte> stream)
    {
        CheckHeader(stream);
        return Parse(VmDescriptionSkipper.FindVmDescription(stream), stream.Length);
    }

    /// <summary>
    /// The VMDESCRIPTION of a seekable stream (a file), read from its last <see cref="DescriptionWindow"/> bytes; the
    /// stream is left where it was.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is not a version 3 stream, cannot seek, or has no readable VMDESCRIPTION.</exception>
    public static AnalysisObject Description(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new VmStateLoadException("The VMDESCRIPTION is read from the end of the stream, so the input must be a seekable file, not a pipe", 0);
        }

        long start = stream.Position;
        Span<byte> head = stackalloc byte[8];
        int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        CheckHeader(head[..got]);
        try
        {
            (string? json, long end) = VmDescriptionSkipper.FindVmDescription(stream, start);
            return Parse(json, end);
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>
    /// Decodes every section: the script's <c>--dump state</c> tree (keys <c>"idstr (section id)"</c>). RAM pages go
    /// to <paramref name="ramPage"/> when given (block id, offset, page bytes, valid only during the call), as the script's <c>-x</c> writes them;
    /// <paramref name="ramBlock"/> hears each block the stream announces (id, length). The tree is built by
    /// <paramref name="rules"/>: by default those of the QEMU release whose script matches the stream's writer.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is malformed or does not match its description.</exception>
    public static AnalysisObject State(ReadOnlySpan<byte> stream, Action<string, long, ReadOnlySpan<byte>>? ramPage = null, Action<string, long>? ramBlock = null, AnalyzerRules rules = AnalyzerRules.FromStream)
    {
        AnalysisObject desc = Description(stream);
        var decoder = new AnalysisDecoder(desc, ramPage, ramBlock, rules);
        var reader = new VmStateReader(stream);
        AnalysisDecoder.ReadFileHeader(ref reader);
        while (!decoder.ReadFrame(ref reader))
        {
        }

        return decoder.Result();
    }

    /// <summary>
    /// <see cref="State(ReadOnlySpan{byte}, Action{string, long, ReadOnlySpan{byte}}?, Action{string, long}?, AnalyzerRules)"/> over
    /// a seekable stream, read a frame at a time: a frame past <paramref name="maxFrame"/> bytes is an error. A frame
    /// cut by the buffer is decoded again once it is whole, so <paramref name="ramPage"/> may hear a page twice (with
    /// the same bytes) and <paramref name="ramBlock"/> a block twice (with the same length). The tree is built by
    /// <paramref name="rules"/>.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is malformed, cannot seek, or does not match its description.</exception>
    public static AnalysisObject State(Stream stream, Action<string, long, ReadOnlySpan<byte>>? ramPage = null, Action<string, long>? ramBlock = null, int maxFrame = MaxStreamedFrame, AnalyzerRules rules = AnalyzerRules.FromStream)
    {
        AnalysisObject desc = Description(stream);
        var decoder = new AnalysisDecoder(desc, ramPage, ramBlock, rules);
        var input = new MigrationInput(stream, maxFrame);
        decoder.Frame(input, AnalysisDecoder.ReadFileHeader);
        while (!decoder.Frame(input, decoder.ReadFrame))
        {
        }

        return decoder.Result();
    }

    /// <summary>
    /// Every frame of a seekable stream, in order, one line each: header, configuration, every command QEMU 7.2
    /// sends (postcopy's too, the frames inside a PACKAGED blob marked as such), each section with its body size (RAM
    /// ones with their PAGE and ZERO record counts and block list), EOF and the VMDESCRIPTION. Device sections are
    /// walked by <paramref name="description"/> (a VMDESCRIPTION, e.g. of a precopy stream of the same machine), else
    /// by the stream's own; a postcopy stream has none.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is malformed, or a device section has no description.</exception>
    public static IReadOnlyList<MigrationFrame> Frames(Stream stream, AnalysisObject? description = null, int maxFrame = MaxStreamedFrame)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new VmStateLoadException("The input must be a seekable file, not a pipe", 0);
        }

        long start = stream.Position;
        (string? json, long length) = VmDescriptionSkipper.FindVmDescription(stream, start);
        stream.Position = start;
        AnalysisObject desc = description ?? (json is null ? new AnalysisObject() : Parse(json, length));
        var frames = new List<MigrationFrame> { new(0, 8, string.Create(CultureInfo.InvariantCulture, $"HEADER magic=0x{QemuVmFile.Magic:x8} version={QemuVmFile.Version}"), false) };
        var decoder = new AnalysisDecoder(desc, null, null) { FrameSeen = frames.Add };
        var input = new MigrationInput(stream, maxFrame);
        decoder.Frame(input, AnalysisDecoder.ReadFileHeader);
        while (!decoder.Frame(input, decoder.ReadFrame))
        {
        }

        long eofEnd = input.Offset;
        if (json is not null && length - eofEnd > 5)
        {
            int devices = desc["devices"] is AnalysisList list ? list.Items.Count : 0;
            frames.Add(new MigrationFrame(eofEnd, length - eofEnd, string.Create(CultureInfo.InvariantCulture, $"VMDESCRIPTION json {System.Text.Encoding.UTF8.GetByteCount(json)} bytes, {devices} devices"), false));
        }

        return frames;
    }

    /// <summary>The description a stream (or a JSON file) holds, to walk another stream's sections with.</summary>
    /// <exception cref="VmStateLoadException">Neither a stream with a VMDESCRIPTION nor a JSON object.</exception>
    public static AnalysisObject DescriptionFrom(byte[] streamOrJson)
    {
        ArgumentNullException.ThrowIfNull(streamOrJson);
        return streamOrJson.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("{"u8)
            ? Parse(System.Text.Encoding.UTF8.GetString(streamOrJson), 0)
            : Description(streamOrJson);
    }

    /// <summary>Every message of a recorded return path (the destination-to-source bytes of a migration connection).</summary>
    /// <exception cref="VmStateLoadException">A message QEMU 7.2 does not send, or one of the wrong length.</exception>
    public static IReadOnlyList<(long Offset, ReturnPathMessage Message)> ReturnPath(ReadOnlySpan<byte> recording)
    {
        var messages = new List<(long, ReturnPathMessage)>();
        var reader = new VmStateReader(recording);
        while (!reader.End)
        {
            long at = reader.Position;
            messages.Add((at, ReturnPathMessage.Read(ref reader)));
        }

        return messages;
    }

    private static void CheckHeader(ReadOnlySpan<byte> stream)
    {
        var reader = new VmStateReader(stream);
        AnalysisDecoder.ReadFileHeader(ref reader);
    }

    private static AnalysisObject Parse(string? json, long end)
    {
        if (json is null)
        {
            throw new VmStateLoadException("No VMDESCRIPTION found at the end of the stream", end);
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return AnalysisNode.FromJson(doc.RootElement) as AnalysisObject
                ?? throw new VmStateLoadException("The VMDESCRIPTION is not a JSON object", end);
        }
        catch (JsonException e)
        {
            throw new VmStateLoadException("The VMDESCRIPTION is not valid JSON: " + PrintableText.OneLine(e.Message), end, e);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json parses an escaped lone surrogate ("\ud800") but cannot turn it into a string.
            throw new VmStateLoadException("The VMDESCRIPTION is not valid JSON text: " + PrintableText.OneLine(e.Message), end, e);
        }
    }
}
