using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text;
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
        private readonly Dictionary<(string, long), AnalysisObject?> _classes = [];
        private readonly Dictionary<long, (string Key, AnalysisObject? Device, AnalysisObject Data)> _sections = [];
        private readonly int _pageSize;
        private string _ramName = "";

        // Values of zero bytes (empty buffers, structs without fields) consume no input, so a hostile array_len could
        // otherwise loop for ever or exhaust memory; every other value consumes at least one byte of the stream.
        private const long EmptyValueLimit = 1 << 20;
        private long _emptyValues;

        public Decoder(AnalysisObject desc, Action<string, long, ReadOnlySpan<byte>>? ramPage, Action<string, long>? ramBlock)
        {
            _desc = desc;
            _ramPage = ramPage;
            _ramBlock = ramBlock;
            _pageSize = desc["page_size"] is AnalysisNumber n && int.TryParse(n.Text, CultureInfo.InvariantCulture, out int ps) && ps > 0 ? ps : RamBlock.PageSize;
            _classes[(RamSection.IdStr, 0)] = null;
            if (desc["devices"] is AnalysisList devices)
            {
                foreach (AnalysisNode d in devices.Items)
                {
                    if (d is not AnalysisObject device || device["fields"] is null)
                    {
                        throw new VmStateLoadException($"vmstate for device {Text(d, "name")} has no fields", -1);
                    }

                    _classes[(Text(device, "name"), Number(device, "instance_id"))] = device;
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
                                ReadStruct(ref reader, config);
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
                            if (!_classes.TryGetValue((name, instance), out AnalysisObject? device))
                            {
                                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"No description for section '{name}' instance {instance}"), at);
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
                catch (VmStateException e)
                {
                    e.SetSectionIfUnset(lastName);
                    throw;
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
                ReadStruct(ref reader, device, data);
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

        private void ReadStruct(ref VmStateReader reader, AnalysisObject desc, AnalysisObject? into = null)
        {
            AnalysisObject data = into ?? new AnalysisObject();
            ReadFields(ref reader, desc, data);
        }

        private AnalysisObject ReadStructValue(ref VmStateReader reader, AnalysisObject desc)
        {
            var data = new AnalysisObject();
            ReadFields(ref reader, desc, data);
            return data;
        }

        private void ReadFields(ref VmStateReader reader, AnalysisObject desc, AnalysisObject data)
        {
            if (desc["fields"] is not AnalysisList fields)
            {
                throw new VmStateLoadException("No fields in struct", reader.Position);
            }

            foreach (AnalysisNode f in fields.Items)
            {
                if (f is not AnalysisObject field)
                {
                    continue;
                }

                string name = Text(field, "name");
                long count = field["array_len"] is null ? 1 : Number(field, "array_len");
                for (long i = 0; i < count; i++)
                {
                    AnalysisNode value;
                    long before = reader.Position;
                    try
                    {
                        value = ReadField(ref reader, field);
                        if (reader.Position == before && ++_emptyValues > EmptyValueLimit)
                        {
                            throw new VmStateLoadException(
                                string.Create(CultureInfo.InvariantCulture, $"The description asks for more than {EmptyValueLimit} values of zero bytes (array_len {count})"),
                                reader.Position);
                        }
                    }
                    catch (VmStateException e)
                    {
                        e.PrependField(name, count > 1 ? (int)i : -1);
                        throw;
                    }

                    // Repeated names (array elements, or fields sharing a name) collect into a list, as the script does.
                    switch (data[name])
                    {
                        case null:
                            data.Set(name, value);
                            break;
                        case AnalysisList list:
                            list.Items.Add(value);
                            break;
                        case { } existing:
                            data.Set(name, new AnalysisList([existing, value]));
                            break;
                    }
                }
            }

            if (desc["subsections"] is AnalysisList subsections)
            {
                foreach (AnalysisNode s in subsections.Items)
                {
                    long at = reader.Position;
                    if (reader.ReadUInt8() != (byte)QemuSectionType.Subsection)
                    {
                        VmStateThrow.LoadFailed($"Subsection {Text(s, "vmsd_name")} not found", at);
                    }

                    string name = reader.ReadCountedString();
                    reader.ReadUInt32();
                    if (s is not AnalysisObject sub)
                    {
                        throw new VmStateLoadException("Empty description for subsection: " + name, at);
                    }

                    try
                    {
                        data.Set(name, ReadStructValue(ref reader, sub));
                    }
                    catch (VmStateException e)
                    {
                        e.PrependSubsection(name);
                        throw;
                    }
                }
            }
        }

        private AnalysisNode ReadField(ref VmStateReader reader, AnalysisObject field)
        {
            string type = Text(field, "type");
            if (type == "struct")
            {
                if (field["struct"] is not AnalysisObject nested)
                {
                    throw new VmStateLoadException("Struct field without a struct description", reader.Position);
                }

                return ReadStructValue(ref reader, nested);
            }

            if (type == "capability")
            {
                return new AnalysisString(reader.ReadCountedString());
            }

            long size = Number(field, "size");
            if (size < 0)
            {
                throw new VmStateLoadException(string.Create(CultureInfo.InvariantCulture, $"Field size {size} is negative"), reader.Position);
            }

            reader.EnsureAvailable(size, 1);
            Span<byte> bytes = size <= 256 ? stackalloc byte[(int)size] : new byte[size];
            reader.ReadBytes(bytes);
            switch (type)
            {
                case "bool":
                    if (bytes.IsEmpty)
                    {
                        throw new VmStateLoadException("A bool field of size 0", reader.Position);
                    }

                    return bytes[0] == 0 ? AnalysisBool.False : AnalysisBool.True;
                case "int8" or "int16" or "int32" or "int64" or "int32 equal" or "int32 le" or "int64 equal" or "uint8 equal" or "uint16 equal"
                    or "uint8" or "uint16" or "uint32" or "uint64" or "uint32 equal":
                    if (bytes.IsEmpty)
                    {
                        // The script cannot turn zero bytes into a number either.
                        throw new VmStateLoadException($"Integer field of type '{type}' has size 0", reader.Position);
                    }

                    return Integer(bytes, signed: type[0] == 'i');
                case "nullptr":
                    return new AnalysisString("nullptr");
                default:
                    return new AnalysisString(Hex(bytes));
            }
        }

        private static AnalysisString Integer(ReadOnlySpan<byte> bytes, bool signed)
        {
            var unsignedValue = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            var value = signed ? new BigInteger(bytes, isUnsigned: false, isBigEndian: true) : unsignedValue;
            string digits = unsignedValue.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
            digits = digits.PadLeft(Math.Max(bytes.Length * 2, 1), '0');
            return new AnalysisString(value.Sign < 0
                ? "0x" + digits + " (" + value.ToString(CultureInfo.InvariantCulture) + ")"
                : "0x" + digits);
        }

        private static string Hex(ReadOnlySpan<byte> bytes)
        {
            var sb = new StringBuilder(bytes.Length * 3);
            for (int i = 0; i < bytes.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }

        private static string Text(AnalysisNode? node, string key) =>
            (node as AnalysisObject)?[key] is AnalysisString s ? s.Value : "";

        // Sizes go through Python's int(): integers, integral strings and floats (truncated toward zero) are accepted.
        private static long Number(AnalysisObject node, string key) => node[key] switch
        {
            AnalysisNumber n when long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) => v,
            AnalysisNumber n when double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                && double.IsFinite(d) && Math.Abs(d) < 9e18 => (long)Math.Truncate(d),
            AnalysisString s when long.TryParse(s.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long w) => w,
            _ => throw new VmStateLoadException($"Description member '{key}' is not a number", -1),
        };
    }
}
