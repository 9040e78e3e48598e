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
    /// <paramref name="ramBlock"/> hears each block the stream announces (id, length).
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is malformed or does not match its description.</exception>
    public static AnalysisObject State(ReadOnlySpan<byte> stream, Action<string, long, ReadOnlySpan<byte>>? ramPage = null, Action<string, long>? ramBlock = null)
    {
        AnalysisObject desc = Description(stream);
        var decoder = new AnalysisDecoder(desc, ramPage, ramBlock);
        var reader = new VmStateReader(stream);
        AnalysisDecoder.ReadFileHeader(ref reader);
        while (!decoder.ReadFrame(ref reader))
        {
        }

        return decoder.Result();
    }

    /// <summary>
    /// <see cref="State(ReadOnlySpan{byte}, Action{string, long, ReadOnlySpan{byte}}?, Action{string, long}?)"/> over
    /// a seekable stream, read a frame at a time: a frame past <paramref name="maxFrame"/> bytes is an error. A frame
    /// cut by the buffer is decoded again once it is whole, so <paramref name="ramPage"/> may hear a page twice (with
    /// the same bytes) and <paramref name="ramBlock"/> a block twice (with the same length).
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is malformed, cannot seek, or does not match its description.</exception>
    public static AnalysisObject State(Stream stream, Action<string, long, ReadOnlySpan<byte>>? ramPage = null, Action<string, long>? ramBlock = null, int maxFrame = MaxStreamedFrame)
    {
        AnalysisObject desc = Description(stream);
        var decoder = new AnalysisDecoder(desc, ramPage, ramBlock);
        var input = new MigrationInput(stream, maxFrame);
        decoder.Frame(input, AnalysisDecoder.ReadFileHeader);
        while (!decoder.Frame(input, decoder.ReadFrame))
        {
        }

        return decoder.Result();
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
