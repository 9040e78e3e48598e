using System.Globalization;
using System.Text.Json;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Analysis;

/// <summary>
/// Decodes any migration stream from its own VMDESCRIPTION, with no device code, following the rules of QEMU's
/// <c>scripts/analyze-migration.py</c>: the <c>ram</c> section by its record format, every other section by walking
/// its description (sizes, array lengths, structs, the subsections that were sent), footers checked. The result
/// prints as that script's <c>--dump state</c> and <c>--dump desc</c> output.
/// </summary>
public static class MigrationStreamAnalyzer
{
    /// <summary>The stream's VMDESCRIPTION as the script prints it with <c>--dump desc</c>.</summary>
    /// <exception cref="VmStateLoadException">The stream has no readable VMDESCRIPTION.</exception>
    public static AnalysisObject Description(ReadOnlySpan<byte> stream)
    {
        string json = VmDescriptionSkipper.FindVmDescription(stream)
            ?? throw new VmStateLoadException("No VMDESCRIPTION found at the end of the stream", stream.Length);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return AnalysisNode.FromJson(doc.RootElement) as AnalysisObject
                ?? throw new VmStateLoadException("The VMDESCRIPTION is not a JSON object", stream.Length);
        }
        catch (JsonException e)
        {
            throw new VmStateLoadException("The VMDESCRIPTION is not valid JSON: " + e.Message, stream.Length, e);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json parses an escaped lone surrogate ("\ud800") but cannot turn it into a string.
            throw new VmStateLoadException("The VMDESCRIPTION is not valid JSON text: " + e.Message, stream.Length, e);
        }
    }

    /// <summary>
    /// Decodes every section: the script's <c>--dump state</c> tree (keys <c>"idstr (section id)"</c>). RAM pages go
    /// to <paramref name="ramPage"/> when given (block id, offset, page bytes), as the script's <c>-x</c> writes them.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is malformed or does not match its description.</exception>
    public static AnalysisObject State(ReadOnlySpan<byte> stream, Action<string, long, ReadOnlySpan<byte>>? ramPage = null, Action<string, long>? ramBlock = null)
    {
        AnalysisObject desc = Description(stream);
        var decoder = new Decoder(desc, ramPage, ramBlock);
        var reader = new VmStateReader(stream);
        return decoder.Run(ref reader);
    }

    private sealed class Decoder
    {
        private readonly AnalysisObject _desc;
        private readonly Action<string, long, ReadOnlySpan<byte>>? _ramPage;
        private readonly Action<string, long>? _ramBlock;
        private readonly Dictionary<(string, long), AnalysisObject?> _descriptions = [];
        private readonly Dictionary<long, (string Key, AnalysisObject? Device, AnalysisObject Data)> _sections = [];
        private readonly int _pageSize;
        private readonly VmDescriptionWalker _walker = new();
        private string _ramName = "";

        public Decoder(AnalysisObject desc, Action<string, long, ReadOnlySpan<byte>>? ramPage, Action<string, long>? ramBlock)
        {
            _desc = desc;
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

        public AnalysisObject Run(ref VmStateReader reader)
        {
            if (reader.ReadUInt32() != QemuVmFile.Magic)
            {
                VmStateThrow.LoadFailed("Invalid file magic", 0);
            }

            uint version = reader.ReadUInt32();
            if (version != QemuVmFile.Version)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Invalid version number {version}"), 4);
            }

            long lastSection = -1;
            string lastName = "";
            while (true)
            {
                long at = reader.Position;
                byte type = reader.ReadUInt8();
                try
                {
                    switch ((QemuSectionType)type)
                    {
                        case QemuSectionType.Eof:
                            return Result();
                        case QemuSectionType.Configuration:
                            lastName = ConfigurationSection.Name;
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

                            break;
                        case QemuSectionType.SectionStart:
                        case QemuSectionType.SectionFull:
                        {
                            lastSection = reader.ReadUInt32();
                            string name = reader.ReadCountedString();
                            lastName = name;
                            long instance = reader.ReadUInt32();
                            long sectionVersion = reader.ReadUInt32();
                            if (!_descriptions.TryGetValue((name, instance), out AnalysisObject? device))
                            {
                                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"No description for section '{PrintableText.Escape(name)}' instance {instance}"), at);
                            }

                            if (device is null && sectionVersion != RamSection.SectionVersion)
                            {
                                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown RAM version {sectionVersion}"), at);
                            }

                            var data = new AnalysisObject();
                            _sections[lastSection] = (name, device, data);
                            ReadSection(ref reader, device, data);
                            break;
                        }

                        case QemuSectionType.SectionPart:
                        case QemuSectionType.SectionEnd:
                        {
                            lastSection = reader.ReadUInt32();
                            if (!_sections.TryGetValue(lastSection, out var section))
                            {
                                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"PART/END for section {lastSection} that never started"), at);
                            }

                            lastName = section.Key;
                            ReadSection(ref reader, section.Device, section.Data);
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
                            if (id != lastSection)
                            {
                                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Mismatched section footer: {id:x} vs {lastSection:x}"), at);
                            }

                            break;
                        }

                        default:
                            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown section type: {type}"), at);
                            break;
                    }
                }
                catch (VmStateException e) when (e.InSection(lastName))
                {
                }
            }
        }

        private AnalysisObject Result()
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
                        _ramBlock?.Invoke(_ramName, (long)length);
                    }

                    flags &= ~QemuRamRecordKinds.MemSize;
                }

                if ((flags & QemuRamRecordKinds.Zero) != 0)
                {
                    flags = RamBlockName(ref reader, flags) & ~QemuRamRecordKinds.Zero;
                    reader.ReadUInt8();
                }
                else if ((flags & QemuRamRecordKinds.Page) != 0)
                {
                    flags = RamBlockName(ref reader, flags) & ~QemuRamRecordKinds.Page;
                    reader.EnsureAvailable(_pageSize, 1);
                    if (_ramPage is null)
                    {
                        reader.Skip(_pageSize);
                    }
                    else
                    {
                        byte[] page = new byte[_pageSize];
                        reader.ReadBytes(page);
                        _ramPage(_ramName, (long)address, page);
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
}
