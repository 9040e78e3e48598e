using System.Globalization;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Analysis;

/// <summary>
/// The analyzer's walk over a stream, one frame (a section, footer, command or EOF) per call, building the
/// <c>--dump state</c> tree. A frame leaves no trace until it is read whole, so a streamed frame cut by the buffer
/// can be read again from its start.
/// </summary>
internal sealed class AnalysisDecoder
{
    private readonly AnalysisObject _desc;
    private readonly Action<string, long, ReadOnlySpan<byte>>? _ramPage;
    private readonly Action<string, long>? _ramBlock;
    private readonly Dictionary<(string, long), AnalysisObject?> _descriptions = [];
    private readonly Dictionary<long, (string Key, AnalysisObject? Device, AnalysisObject Data)> _sections = [];
    private readonly int _pageSize;
    private readonly VmDescriptionWalker _walker;
    private byte[]? _page;
    private string _ramName = "";
    private long _lastSection = -1;
    private string _lastName = "";
    private int _pages;
    private int _zeros;
    private System.Text.StringBuilder? _blockList;
    private long _packageEnd = -1;

    /// <summary>
    /// Hears every frame read whole (footers folded into their sections); with it set, every QEMU 7.2 command is taken
    /// (the script refuses them all), PACKAGED's blob read as the frames it holds.
    /// </summary>
    public Action<MigrationFrame>? FrameSeen { get; init; }

    public AnalysisDecoder(
        AnalysisObject desc,
        Action<string, long, ReadOnlySpan<byte>>? ramPage,
        Action<string, long>? ramBlock,
        AnalyzerRules rules = AnalyzerRules.FromStream,
        Action<bool, string, long, long>? bodyPart = null)
    {
        _desc = desc;
        _walker = new VmDescriptionWalker { Rules = RulesFor(desc, rules), BodyPart = bodyPart };
        _ramPage = ramPage;
        _ramBlock = ramBlock;
        _pageSize = desc["page_size"] is AnalysisNumber n && int.TryParse(n.Text, CultureInfo.InvariantCulture, out int ps) && ps > 0 ? ps : RamBlock.PageSize;
        _descriptions[(RamSection.IdStr, 0)] = null;
        if (desc["devices"] is AnalysisList devices)
        {
            foreach (AnalysisNode d in devices.Items)
            {
                if (d is not AnalysisObject device || device["fields"] is null)
                {
                    throw new VmStateLoadException($"vmstate for device {PrintableText.Escape(VmDescriptionWalker.Text(d, "name"))} has no fields", -1);
                }

                _descriptions[(VmDescriptionWalker.Text(device, "name"), VmDescriptionWalker.Number(device, "instance_id"))] = device;
            }
        }
    }

    public delegate bool FrameParser(ref VmStateReader reader);

    /// <summary>The bytes of one frame read whole, and where it starts.</summary>
    public delegate void FrameBytes(long offset, ReadOnlySpan<byte> bytes);

    /// <summary>
    /// Hears each section's header as it is read (a frame cut short is read again, so it may hear one twice): its
    /// type, id, id string, instance and version (-1 for PART and END), where its body starts, and its description
    /// (null for RAM).
    /// </summary>
    public Action<QemuSectionType, long, string, long, long, long, AnalysisObject?>? SectionHeader { get; init; }

    /// <summary>Hears the bytes of every frame once it is read whole, before the next one is read.</summary>
    public FrameBytes? FrameRead { get; init; }

    /// <summary>
    /// The rules <paramref name="rules"/> names, or for <see cref="AnalyzerRules.FromStream"/> those of the release
    /// that wrote <paramref name="desc"/>: QEMU 8.2 and later describe the configuration section in it.
    /// </summary>
    public static AnalyzerRules RulesFor(AnalysisObject desc, AnalyzerRules rules) => rules switch
    {
        AnalyzerRules.FromStream => desc[ConfigurationSection.Name] is AnalysisObject ? AnalyzerRules.Qemu10 : AnalyzerRules.Qemu72,
        _ => rules,
    };

    /// <summary>Magic and version, as the script checks them; a frame parser, so always true.</summary>
    public static bool ReadFileHeader(ref VmStateReader reader)
    {
        uint magic = reader.ReadUInt32();
        if (magic != QemuVmFile.Magic)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Invalid file magic {magic:x}"), 0);
        }

        uint version = reader.ReadUInt32();
        if (version != QemuVmFile.Version)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Invalid version number {version}"), 4);
        }

        return true;
    }

    /// <summary>Reads one frame of a streamed input, reading more and starting the frame again while it is cut short.</summary>
    public bool Frame(MigrationInput input, FrameParser parse)
    {
        while (true)
        {
            var reader = new VmStateReader(input.Available, input.Offset);
            (string ramName, long lastSection, string lastName, long empty) = (_ramName, _lastSection, _lastName, _walker.EmptyValues);
            try
            {
                bool result = parse(ref reader);
                FrameRead?.Invoke(input.Offset, input.Available[..(int)(reader.Position - input.Offset)]);
                input.Consume(reader.Position - input.Offset);
                return result;
            }
            catch (VmStateLoadException e) when (e.IsEndOfInput && !input.AtEnd)
            {
                (_ramName, _lastSection, _lastName, _walker.EmptyValues) = (ramName, lastSection, lastName, empty);

                // The bytes the parse missed belong to this frame: wait for them all before parsing it again.
                input.ReadMore(e.MissingBytes);
            }
        }
    }

    /// <summary>One frame; true at EOF (what follows, the VMDESCRIPTION, is not read).</summary>
    public bool ReadFrame(ref VmStateReader reader)
    {
        long at = reader.Position;
        byte type = reader.ReadUInt8();
        try
        {
            switch ((QemuSectionType)type)
            {
                case QemuSectionType.Eof:
                    Seen(at, reader.Position, "EOF");
                    return true;
                case QemuSectionType.Configuration:
                    _lastName = ConfigurationSection.Name;
                    VmStateReader configName = reader;
                    if (_desc[ConfigurationSection.Name] is AnalysisObject config)
                    {
                        _walker.ReadBody(ref reader, config, new AnalysisObject());
                    }
                    else
                    {
                        uint length = reader.ReadUInt32();
                        reader.EnsureAvailable(length, 1);
                        reader.Skip(length);
                    }

                    if (FrameSeen is not null)
                    {
                        uint nameLength = configName.ReadUInt32();
                        byte[] machine = new byte[Math.Min(nameLength, (uint)ConfigurationSection.MaxNameLength)];
                        configName.ReadBytes(machine);
                        Seen(at, reader.Position, string.Create(CultureInfo.InvariantCulture, $"CONFIGURATION machine='{PrintableText.Escape(machine)}' ({reader.Position - at} bytes)"));
                    }

                    break;
                case QemuSectionType.SectionStart:
                case QemuSectionType.SectionFull:
                {
                    long id = reader.ReadUInt32();
                    string name = reader.ReadCountedString();
                    long instance = reader.ReadUInt32();
                    long sectionVersion = reader.ReadUInt32();
                    _lastSection = id;
                    _lastName = name;
                    if (!_descriptions.TryGetValue((name, instance), out AnalysisObject? device))
                    {
                        VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"No description for section '{PrintableText.Escape(name)}' instance {instance}"), at);
                    }

                    if (device is null && sectionVersion != RamSection.SectionVersion)
                    {
                        VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown RAM version {sectionVersion}"), at);
                    }

                    var data = new AnalysisObject();
                    long bodyAt = reader.Position;
                    (_pages, _zeros, _blockList) = (0, 0, null);
                    SectionHeader?.Invoke((QemuSectionType)type, id, name, instance, sectionVersion, bodyAt, device);
                    ReadSection(ref reader, device, data);
                    _sections[id] = (name, device, data);
                    if (FrameSeen is not null)
                    {
                        Seen(at, reader.Position, SectionText((QemuSectionType)type, id, name, instance, sectionVersion, reader.Position - bodyAt, device is null));
                    }
                    break;
                }

                case QemuSectionType.SectionPart:
                case QemuSectionType.SectionEnd:
                {
                    long id = reader.ReadUInt32();
                    if (!_sections.TryGetValue(id, out var section))
                    {
                        VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"PART/END for section {id} that never started"), at);
                    }

                    _lastSection = id;
                    _lastName = section.Key;
                    long bodyAt = reader.Position;
                    (_pages, _zeros, _blockList) = (0, 0, null);
                    SectionHeader?.Invoke((QemuSectionType)type, id, section.Key, -1, -1, bodyAt, section.Device);
                    if (section.Device is null)
                    {
                        // RAM adds block sizes and pages; setting a size again is harmless when the frame is read again.
                        ReadRam(ref reader, section.Data);
                        if (FrameSeen is not null)
                        {
                            Seen(at, reader.Position, SectionText((QemuSectionType)type, id, section.Key, -1, -1, reader.Position - bodyAt, ram: true));
                        }
                    }
                    else
                    {
                        // The script reads the section again into its fields: a fresh tree that replaces the old one.
                        var data = new AnalysisObject();
                        _walker.ReadBody(ref reader, section.Device, data);
                        _sections[id] = section with { Data = data };
                        if (FrameSeen is not null)
                        {
                            Seen(at, reader.Position, SectionText((QemuSectionType)type, id, section.Key, -1, -1, reader.Position - bodyAt, ram: false));
                        }
                    }

                    break;
                }

                case QemuSectionType.Command when FrameSeen is not null:
                {
                    MigrationCommandFrame command = MigrationCommandFrame.Read(ref reader, at);
                    Seen(at, reader.Position, command.Describe());
                    if (command.Command == QemuMigrationCommand.Packaged)
                    {
                        // The blob is the frames that follow; they are listed inside it.
                        reader.EnsureAvailable(command.Value, 1);
                        _packageEnd = reader.Position + command.Value;
                    }

                    break;
                }

                case QemuSectionType.Command:
                {
                    ushort command = reader.ReadUInt16();
                    ushort length = reader.ReadUInt16();
                    if (command != (ushort)QemuMigrationCommand.SwitchoverStart || length != 0)
                    {
                        VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown QEMU_VM_COMMAND: {command:x}"), at);
                    }

                    break;
                }

                case QemuSectionType.SectionFooter:
                {
                    long id = reader.ReadUInt32();
                    if (id != _lastSection)
                    {
                        VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Mismatched section footer: {id:x} vs {_lastSection:x}"), at);
                    }

                    break;
                }

                default:
                    VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown section type: {type}"), at);
                    break;
            }
        }
        catch (VmStateException e) when (e.InSection(_lastName))
        {
        }

        return false;
    }

    // Callers that build their text first check FrameSeen, so a plain analysis makes no listing text.
    private void Seen(long at, long end, string text)
    {
        if (FrameSeen is null)
        {
            return;
        }

        bool inPackage = at < _packageEnd;
        FrameSeen(new MigrationFrame(at, end - at, text, inPackage));
        if (inPackage && end >= _packageEnd)
        {
            _packageEnd = -1;
        }
    }

    private string SectionText(QemuSectionType type, long id, string name, long instance, long version, long body, bool ram)
    {
        string kind = type switch
        {
            QemuSectionType.SectionStart => "SECTION_START",
            QemuSectionType.SectionPart => "SECTION_PART",
            QemuSectionType.SectionEnd => "SECTION_END",
            _ => "SECTION_FULL",
        };
        string head = instance >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"{kind} id={id} '{PrintableText.Escape(name)}' instance={instance} version={version} body={body} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{kind} id={id} '{PrintableText.Escape(name)}' body={body} bytes");
        return ram ? head + string.Create(CultureInfo.InvariantCulture, $", {_pages} PAGE + {_zeros} ZERO records{_blockList}") : head;
    }

    /// <summary>The tree: one member per section in the order they started, named <c>"idstr (section id)"</c>.</summary>
    public AnalysisObject Result()
    {
        var result = new AnalysisObject();
        foreach ((long id, var section) in _sections)
        {
            result.Set(section.Key + " (" + id.ToString(CultureInfo.InvariantCulture) + ")", section.Data);
        }

        return result;
    }

    private void ReadSection(ref VmStateReader reader, AnalysisObject? device, AnalysisObject data)
    {
        if (device is null)
        {
            ReadRam(ref reader, data);
        }
        else
        {
            _walker.ReadBody(ref reader, device, data);
        }
    }

    private void ReadRam(ref VmStateReader reader, AnalysisObject data)
    {
        if (data["section sizes"] is not AnalysisObject sizes)
        {
            sizes = new AnalysisObject();
            data.Set("section sizes", sizes);
        }

        ulong mask = (ulong)_pageSize - 1;
        while (true)
        {
            long at = reader.Position;
            ulong header = reader.ReadUInt64();
            var flags = (QemuRamRecordKinds)(header & mask);
            ulong address = header & ~mask;
            if ((flags & QemuRamRecordKinds.MemSize) != 0)
            {
                for (ulong total = address; total > 0;)
                {
                    _ramName = reader.ReadCountedString();
                    ulong length = reader.ReadUInt64();
                    total = length > total ? 0 : total - length;
                    sizes.Set(_ramName, new AnalysisString("0x" + length.ToString("x16", CultureInfo.InvariantCulture)));
                    if (FrameSeen is not null)
                    {
                        // Only a listing keeps the block list, and it prints all of it: memory as its output.
                        _blockList = _blockList is null
                            ? new System.Text.StringBuilder(" MEM_SIZE total=0x").Append(address.ToString("x", CultureInfo.InvariantCulture)).Append(" blocks=")
                            : _blockList.Append(", ");
                        _blockList.Append(PrintableText.Escape(_ramName)).Append(":0x").Append(length.ToString("x", CultureInfo.InvariantCulture));
                    }
                    _ramBlock?.Invoke(_ramName, (long)length);
                }

                flags &= ~QemuRamRecordKinds.MemSize;
            }

            if ((flags & QemuRamRecordKinds.Zero) != 0)
            {
                flags = RamBlockName(ref reader, flags) & ~QemuRamRecordKinds.Zero;
                reader.ReadUInt8();
                _zeros++;
            }
            else if ((flags & QemuRamRecordKinds.Page) != 0)
            {
                flags = RamBlockName(ref reader, flags) & ~QemuRamRecordKinds.Page;
                reader.EnsureAvailable(_pageSize, 1);
                _pages++;
                if (_ramPage is null)
                {
                    reader.Skip(_pageSize);
                }
                else
                {
                    // One buffer for every page: the callback copies what it keeps.
                    _page ??= new byte[_pageSize];
                    reader.ReadBytes(_page);
                    _ramPage(_ramName, (long)address, _page);
                }
            }
            else if ((flags & QemuRamRecordKinds.Xbzrle) != 0)
            {
                VmStateThrow.LoadFailed("XBZRLE RAM compression is not supported yet", at);
            }
            else if ((flags & QemuRamRecordKinds.Hook) != 0)
            {
                VmStateThrow.LoadFailed("RAM hooks don't make sense with files", at);
            }

            if ((flags & QemuRamRecordKinds.MultifdFlush) != 0)
            {
                continue;
            }

            if ((flags & QemuRamRecordKinds.Eos) != 0)
            {
                return;
            }

            if (flags != QemuRamRecordKinds.None)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown RAM flags: {(ulong)flags:x}"), at);
            }
        }
    }

    private QemuRamRecordKinds RamBlockName(ref VmStateReader reader, QemuRamRecordKinds flags)
    {
        if ((flags & QemuRamRecordKinds.Continue) != 0)
        {
            return flags & ~QemuRamRecordKinds.Continue;
        }

        _ramName = reader.ReadCountedString();
        return flags;
    }
}
