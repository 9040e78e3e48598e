using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Analysis;

/// <summary>
/// Skips sections the registry does not know by walking the stream's own VMDESCRIPTION (each field's size, array
/// length, nested struct and the subsections that were sent, the same walk as <see cref="MigrationStreamAnalyzer"/>),
/// and <c>ram</c> sections by their record format. This
/// is the explicit import option for loading a subset of a foreign machine's stream, e.g. one device of a QEMU stream.
/// </summary>
public sealed class VmDescriptionSkipper : IUnknownSectionSkipper
{
    private readonly Dictionary<(string Name, int Instance), AnalysisObject> _devices = [];
    private readonly int _pageSize;
    private readonly RamSection _ram = new([]) { SkipUnknownBlocks = true, TransactionalLoad = false };

    /// <summary>A skipper for the devices described in <paramref name="vmDescriptionJson"/>.</summary>
    /// <exception cref="VmStateLoadException">The description is not valid JSON of the expected shape.</exception>
    public VmDescriptionSkipper(string vmDescriptionJson)
    {
        ArgumentNullException.ThrowIfNull(vmDescriptionJson);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(vmDescriptionJson);
            JsonElement root = doc.RootElement;
            _pageSize = root.TryGetProperty("page_size", out JsonElement ps) ? ps.GetInt32() : RamBlock.PageSize;
            foreach (JsonElement device in root.GetProperty("devices").EnumerateArray())
            {
                _devices[(device.GetProperty("name").GetString()!, device.GetProperty("instance_id").GetInt32())] = AnalysisObject.ObjectFromJson(device);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new VmStateLoadException("The VMDESCRIPTION is not a valid description: " + e.Message, -1, e);
        }

        _ram.LoadSetup();
    }

    /// <summary>A skipper from the VMDESCRIPTION at the end of a whole stream.</summary>
    /// <exception cref="VmStateLoadException">The stream has no VMDESCRIPTION.</exception>
    public static VmDescriptionSkipper FromStream(ReadOnlySpan<byte> stream) =>
        new(FindVmDescription(stream) ?? throw new VmStateLoadException("The stream has no VMDESCRIPTION to skip unknown sections with", stream.Length));

    /// <summary>How far from the end the VMDESCRIPTION is looked for: the last 10 MiB, as QEMU's analyzer reads.</summary>
    public const int DescriptionWindow = 10 << 20;

    /// <summary>
    /// The VMDESCRIPTION JSON of a whole stream, found from its end as QEMU's analyzer does (in the last
    /// <see cref="DescriptionWindow"/> bytes: the last NUL byte, the first brace after it, checked against the 0x06
    /// type byte and length before it); null when there is none.
    /// </summary>
    public static string? FindVmDescription(ReadOnlySpan<byte> stream)
    {
        int from = Math.Max(0, stream.Length - DescriptionWindow);
        ReadOnlySpan<byte> tail = stream[from..];
        int nul = tail.LastIndexOf((byte)0);
        if (nul < 0)
        {
            return null;
        }

        int brace = tail[nul..].IndexOf((byte)'{');
        if (brace < 0)
        {
            return null;
        }

        // The type byte and length may lie just before the window.
        int json = from + nul + brace;
        if (json < 5 || stream[json - 5] != (byte)QemuSectionType.VmDescription)
        {
            return null;
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(stream[(json - 4)..]);
        return length > (uint)(stream.Length - json) ? null : Encoding.UTF8.GetString(stream.Slice(json, (int)length));
    }

    /// <summary>
    /// <see cref="FindVmDescription(ReadOnlySpan{byte})"/> over a seekable stream whose first byte is at
    /// <paramref name="start"/>: only the last <see cref="DescriptionWindow"/> bytes (and the five before them) are
    /// read. Also returns the stream's length from <paramref name="start"/>. The stream's position is left anywhere.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream cannot seek.</exception>
    public static (string? Json, long Length) FindVmDescription(Stream stream, long start)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new VmStateLoadException("The VMDESCRIPTION is read from the end of the stream, so the input must be a seekable file, not a pipe", start);
        }

        long length = stream.Length - start;
        long from = Math.Max(0, length - DescriptionWindow - 5);
        byte[] tail = new byte[length - from];
        stream.Position = start + from;
        stream.ReadExactly(tail);
        return (FindVmDescription(tail), length);
    }

    /// <inheritdoc/>
    public void Skip(ref VmStateReader reader, in SectionHeader header, QemuSectionType frame)
    {
        if (string.Equals(header.IdStr, RamSection.IdStr, StringComparison.Ordinal))
        {
            if (_pageSize != RamBlock.PageSize)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"RAM pages of {_pageSize} bytes cannot be skipped (only {RamBlock.PageSize})"), reader.Position);
            }

            // A RAM section with no blocks that skips unknown ones reads past every record.
            _ram.LoadState(ref reader, header.VersionId);
            return;
        }

        if (frame != QemuSectionType.SectionFull || !_devices.TryGetValue((header.IdStr, header.InstanceId), out AnalysisObject? device))
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Section '{PrintableText.Escape(header.IdStr)}' {header.InstanceId} is not in the VMDESCRIPTION; it cannot be skipped"), reader.Position);
            return;
        }

        // A walker per body: its bound on values of zero bytes holds per section, however often a frame is retried.
        new VmDescriptionWalker().ReadBody(ref reader, device, values: null);
    }
}
