using System.Text.Json;
using VmState.Analysis;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Qemu.Machines;

/// <summary>Reading QEMU 7.2 streams of whole machines: their layout, and an import into a <see cref="QemuMachine"/>.</summary>
public static class QemuStreams
{
    /// <summary>
    /// The layout a stream shows: its machine type (the configuration section), RAM blocks (the <c>ram</c> START
    /// section), and every device section with its id string, instance and section number, named by the stream's own
    /// VMDESCRIPTION. The device path is what the id string has before the description name.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is damaged (a RAM block empty, not whole pages or past the
    /// list's MEM_SIZE total among it), has no configuration section or no VMDESCRIPTION, or is not of an x86 machine the library knows.</exception>
    public static QemuMachineLayout Layout(byte[] stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadLayout(new Source(stream, null), long.MaxValue);
    }

    /// <summary>
    /// <see cref="Layout(byte[])"/> of a stream in a file, read as a stream (a frame at a time; the VMDESCRIPTION from
    /// the file's end), never whole into memory.
    /// </summary>
    /// <exception cref="VmStateLoadException">As <see cref="Layout(byte[])"/>, or the file is not seekable.</exception>
    public static QemuMachineLayout LayoutFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadLayout(new Source(null, path), long.MaxValue);
    }

    // The limit is checked where the block list's offset is known, so that Import fails before any RamBlock exists.
    private static QemuMachineLayout ReadLayout(Source source, long maxMemory)
    {
        string vmdesc = source.VmDescription()
            ?? throw new VmStateLoadException("The stream has no VMDESCRIPTION to read its devices from", source.Length);
        var names = new Dictionary<(string, int), string>();
        VmDescriptionSkipper skipper;
        try
        {
            using (var doc = JsonDocument.Parse(vmdesc))
            {
                foreach (JsonElement d in doc.RootElement.GetProperty("devices").EnumerateArray())
                {
                    string name = d.GetProperty("name").GetString()!;
                    names[(name, d.GetProperty("instance_id").GetInt32())] = d.TryGetProperty("vmsd_name", out JsonElement v) ? v.GetString()! : name;
                }
            }

            skipper = new VmDescriptionSkipper(vmdesc);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new VmStateLoadException("The VMDESCRIPTION is not a valid description: " + PrintableText.OneLine(e.Message), source.Length, e);
        }

        // An empty registry: every section is unknown, and the walk through the VMDESCRIPTION records each header,
        // and the ram START's block list, checked against the limit before the walk goes on.
        var headers = new HeaderRecorder(skipper, maxMemory);
        QemuStreamHead head = source.Head();
        string machineType = head.MachineType
            ?? throw new VmStateLoadException("The stream has no configuration section to name its machine", 8);

        // QEMU sends the ram START first; its block list is checked before the walk, whose RAM loader would otherwise
        // meet a bad list first and report it less clearly.
        QemuRamBlockList.CheckLimit(head.RamBlocks, maxMemory, head.RamBlockListAt);

        source.Load(new MigrationLoader(new VmStateRegistry(), new MigrationStreamOptions { MachineName = machineType }) { UnknownSections = headers });
        if (!QemuMachineKinds.TryParse(machineType, out QemuMachineKind kind))
        {
            throw new VmStateLoadException($"The stream's machine type '{PrintableText.Escape(machineType)}' is not a pc or q35 machine", 0);
        }

        var blocks = new List<QemuRamBlockSpec>();
        int ramSectionId = -1;
        var sections = new List<QemuSectionSpec>();
        foreach ((SectionHeader h, long at, IReadOnlyList<QemuRamBlockSpec>? ramBlocks) in headers.Starts)
        {
            if (ramBlocks is not null)
            {
                ramSectionId = h.SectionId;
                blocks.AddRange(ramBlocks);
                QemuRamBlockList.CheckLimit(blocks, maxMemory, at);
                continue;
            }

            if (!names.TryGetValue((h.IdStr, h.InstanceId), out string? name))
            {
                throw new VmStateLoadException($"Section '{PrintableText.Escape(h.IdStr)}' instance {h.InstanceId} is not in the stream's VMDESCRIPTION", at);
            }

            string? path = h.IdStr.Length > name.Length + 1 && h.IdStr.EndsWith("/" + name, StringComparison.Ordinal)
                ? h.IdStr[..^(name.Length + 1)]
                : null;
            sections.Add(new QemuSectionSpec(name, path, h.InstanceId, h.SectionId));
        }

        if (ramSectionId < 0)
        {
            throw new VmStateLoadException("The stream has no ram section", source.Length);
        }

        return new QemuMachineLayout(kind, machineType, blocks, ramSectionId, sections);
    }

    /// <summary>
    /// Loads a whole QEMU 7.2 pc or q35 stream into a new machine of its layout: every RAM block and every section.
    /// A section the library does not model is an error naming each, unless <see cref="QemuImportOptions.SkipUnknown"/>;
    /// then it is skipped and listed in <see cref="QemuImportResult.Skipped"/>, never silently.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is damaged, is of another machine than asked for, claims more
    /// RAM than <see cref="QemuImportOptions.MaxMemory"/> (checked before any RAM is allocated), or has sections the
    /// library does not model.</exception>
    public static QemuImportResult Import(byte[] stream, QemuImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ImportFrom(new Source(stream, null), options);
    }

    /// <summary>
    /// <see cref="Import(byte[], QemuImportOptions?)"/> of a stream in a file, read twice as a stream (once for its
    /// layout, once to load it), never whole into memory.
    /// </summary>
    /// <exception cref="VmStateLoadException">As <see cref="Import(byte[], QemuImportOptions?)"/>, or the file is not seekable.</exception>
    public static QemuImportResult ImportFile(string path, QemuImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ImportFrom(new Source(null, path), options);
    }

    private static QemuImportResult ImportFrom(Source source, QemuImportOptions? options)
    {
        options ??= new QemuImportOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxMemory);
        QemuMachineLayout layout = ReadLayout(source, options.MaxMemory);
        if (options.Machine is { } asked && asked != layout.Kind)
        {
            throw new VmStateLoadException($"The stream is of a {PrintableText.Escape(layout.MachineType)} machine, not {asked.ShortName()}", 0);
        }

        QemuSectionSpec[] unknown = [.. layout.Sections.Where(s => QemuDeviceCatalog.Find(s.Name) is null)];
        if (unknown.Length > 0 && !options.SkipUnknown)
        {
            throw new VmStateLoadException(
                $"The stream has {unknown.Length} section(s) the library does not model: {string.Join(", ", unknown.Select(Describe))}; import with SkipUnknown (--skip-unknown) to leave them out",
                0);
        }

        QemuMachine machine = QemuMachine.Create(layout with { Sections = [.. layout.Sections.Except(unknown)] });
        try
        {
            var loader = new MigrationLoader(machine.Registry, machine.StreamOptions)
            {
                UnknownSections = unknown.Length > 0 ? new VmDescriptionSkipper(source.VmDescription()!) : null,
            };
            MigrationLoadResult result = source.Load(loader);
            return new QemuImportResult(machine, result, [.. unknown.Select(Describe)]);
        }
        catch
        {
            machine.Dispose();
            throw;
        }
    }

    private static string Describe(QemuSectionSpec s) => $"'{PrintableText.Escape(s.IdStr)}' {s.InstanceId}";

    /// <summary>
    /// What a stream's first bytes tell without walking it: its machine type (null without a configuration section),
    /// the RAM blocks its leading <c>ram</c> START section lists (none when it does not start with one), and where that
    /// list starts (else where the configuration section ends).
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is not a version 3 stream, or its block list is damaged.</exception>
    public static QemuStreamHead Head(ReadOnlySpan<byte> stream)
    {
        var reader = new VmStateReader(stream);
        if (reader.ReadUInt32() != QemuVmFile.Magic || reader.ReadUInt32() != QemuVmFile.Version)
        {
            throw new VmStateLoadException("Not a version 3 migration stream", 0);
        }

        string? machine = null;
        if (reader.PeekByte() == (int)QemuSectionType.Configuration)
        {
            reader.ReadUInt8();
            uint length = reader.ReadUInt32();
            reader.EnsureAvailable(length, 1);
            byte[] name = new byte[length];
            reader.ReadBytes(name);
            machine = System.Text.Encoding.UTF8.GetString(name);
        }

        long configurationEnd = reader.Position;
        if (reader.PeekByte() == (int)QemuSectionType.SectionStart)
        {
            reader.ReadUInt8();
            reader.ReadUInt32();
            if (reader.ReadCountedString() == RamSection.IdStr)
            {
                reader.ReadUInt32();
                reader.ReadUInt32();
                long listAt = reader.Position;
                return new QemuStreamHead(machine, configurationEnd, QemuRamBlockList.Read(ref reader), listAt);
            }
        }

        return new QemuStreamHead(machine, configurationEnd, [], configurationEnd);
    }

    /// <summary>
    /// Skips every section through the inner skipper, remembering each START and FULL header, where its body starts
    /// and, for the ram START, its block list (held to the limit before the skipper reads on). A frame is remembered
    /// once it was skipped whole, so a streamed frame read again is not counted twice.
    /// </summary>
    private sealed class HeaderRecorder(IUnknownSectionSkipper inner, long maxMemory) : IUnknownSectionSkipper
    {
        public List<(SectionHeader Header, long BodyAt, IReadOnlyList<QemuRamBlockSpec>? RamBlocks)> Starts { get; } = [];

        public void Skip(ref VmStateReader reader, in SectionHeader header, QemuSectionType frame)
        {
            long at = reader.Position;
            IReadOnlyList<QemuRamBlockSpec>? blocks = null;
            if (frame == QemuSectionType.SectionStart && header.IdStr == RamSection.IdStr)
            {
                VmStateReader list = reader;
                blocks = QemuRamBlockList.Read(ref list);
                QemuRamBlockList.CheckLimit(blocks, maxMemory, at);
            }

            inner.Skip(ref reader, header, frame);
            if (frame is QemuSectionType.SectionFull or QemuSectionType.SectionStart)
            {
                Starts.Add((header, at, blocks));
            }
        }
    }

    /// <summary>A stream held in memory or in a file (opened afresh for each pass, read as a stream).</summary>
    private sealed class Source(byte[]? bytes, string? path)
    {
        // Enough for the header, the configuration and the ram START's block list of any real machine.
        private const int HeadLimit = 1 << 20;

        private string? _vmdesc;
        private bool _vmdescRead;

        public long Length => bytes?.Length ?? new FileInfo(path!).Length;

        public string? VmDescription()
        {
            if (!_vmdescRead)
            {
                if (bytes is not null)
                {
                    _vmdesc = VmDescriptionSkipper.FindVmDescription(bytes);
                }
                else
                {
                    using FileStream file = Open();
                    _vmdesc = VmDescriptionSkipper.FindVmDescription(file, 0).Json;
                }

                _vmdescRead = true;
            }

            return _vmdesc;
        }

        public QemuStreamHead Head()
        {
            if (bytes is not null)
            {
                return QemuStreams.Head(bytes);
            }

            using FileStream file = Open();
            byte[] prefix = new byte[(int)Math.Min(HeadLimit, file.Length)];
            file.ReadExactly(prefix);
            try
            {
                return QemuStreams.Head(prefix);
            }
            catch (VmStateLoadException e) when (e.IsEndOfInput && prefix.Length < file.Length)
            {
                throw new VmStateLoadException($"The stream's configuration and RAM block list take more than {HeadLimit} bytes", e.Offset, e);
            }
        }

        public MigrationLoadResult Load(MigrationLoader loader)
        {
            if (bytes is not null)
            {
                return loader.Load(bytes);
            }

            using FileStream file = Open();
            return loader.Load(file);
        }

        private FileStream Open()
        {
            var file = new FileStream(path!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            if (!file.CanSeek)
            {
                file.Dispose();
                throw new VmStateLoadException($"{PrintableText.Escape(path)} is not a regular file: a stream's VMDESCRIPTION is read from its end", 0);
            }

            return file;
        }
    }
}

/// <summary>What <see cref="QemuStreams.Head"/> reads.</summary>
/// <param name="MachineType">The configuration section's machine type; null when the stream has none.</param>
/// <param name="ConfigurationEnd">Where the configuration section (or the header, without one) ends.</param>
/// <param name="RamBlocks">The blocks of the leading <c>ram</c> START section; empty without one.</param>
/// <param name="RamBlockListAt">Where that block list starts; <paramref name="ConfigurationEnd"/> without one.</param>
public sealed record QemuStreamHead(string? MachineType, long ConfigurationEnd, IReadOnlyList<QemuRamBlockSpec> RamBlocks, long RamBlockListAt);

/// <summary>Options of <see cref="QemuStreams.Import"/>.</summary>
public sealed record QemuImportOptions
{
    /// <summary>The machine the stream must be of; null takes the stream's configuration section.</summary>
    public QemuMachineKind? Machine { get; init; }

    /// <summary>Skip (and list) sections the library does not model instead of failing.</summary>
    public bool SkipUnknown { get; init; }

    /// <summary>
    /// The most RAM, in bytes over all blocks, the stream may claim (default <see cref="QemuRamBlockList.DefaultMaxMemory"/>,
    /// 16 GiB): the stream decides how much memory the import maps, so a larger claim is an error before anything is
    /// allocated. Must be positive.
    /// </summary>
    public long MaxMemory { get; init; } = QemuRamBlockList.DefaultMaxMemory;
}

/// <summary>What <see cref="QemuStreams.Import"/> made.</summary>
/// <param name="Machine">The loaded machine (the caller disposes it).</param>
/// <param name="Load">What the loader read.</param>
/// <param name="Skipped">The sections left out (only with <see cref="QemuImportOptions.SkipUnknown"/>), as <c>'id' instance</c>.</param>
public sealed record QemuImportResult(QemuMachine Machine, MigrationLoadResult Load, IReadOnlyList<string> Skipped);
