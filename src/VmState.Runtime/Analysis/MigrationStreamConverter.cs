using System.Globalization;
using System.Text;
using VmState.Description;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Analysis;

/// <summary>What a converted stream is to be: the target release's machine type and the frames its writer adds.</summary>
/// <param name="MachineType">The machine type of the configuration section (<c>pc-i440fx-7.2</c>).</param>
/// <param name="SwitchoverStart">Send QEMU 10.0's SWITCHOVER_START command before the sections' completion (its 10.0 machine types do).</param>
/// <param name="DescribeConfiguration">Begin the VMDESCRIPTION with the configuration section's description, as QEMU 8.2 and later do.</param>
public sealed record ConversionTarget(string MachineType, bool SwitchoverStart, bool DescribeConfiguration);

/// <summary>What a conversion did: bytes written, sections converted, and every value <c>--lossy</c> let go, one line each.</summary>
/// <param name="BytesWritten">Bytes of the converted stream.</param>
/// <param name="Sections">Device sections converted.</param>
/// <param name="Dropped">One line per value the target cannot hold that a lossy conversion dropped or cleared.</param>
public sealed record ConversionResult(long BytesWritten, int Sections, IReadOnlyList<string> Dropped);

/// <summary>
/// Rewrites a migration stream for another QEMU release, by its VMDESCRIPTION and a <see cref="ConversionPlan"/>,
/// with no device code: the machine type, the commands the target's writer sends (SWITCHOVER_START), each device
/// section's subsections and split fields, and the VMDESCRIPTION (renamed fields, the configuration entry). RAM and
/// every byte that means the same in both releases go across unchanged. A value the target cannot represent is
/// refused with an error naming the device, the field and the value, unless the conversion is lossy; then it is
/// dropped and listed.
/// </summary>
public static class MigrationStreamConverter
{
    private static readonly byte[] SwitchoverStartFrame = [(byte)QemuSectionType.Command, 0x00, (byte)QemuMigrationCommand.SwitchoverStart, 0x00, 0x00];

    /// <summary>
    /// Converts the seekable <paramref name="input"/> into <paramref name="output"/>. Nothing is decided by the bytes
    /// alone: every device section needs its VMDESCRIPTION entry and its description in <see cref="ConversionPlan.From"/>.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is damaged, has a section the plan cannot convert, or (not
    /// <paramref name="lossy"/>) holds a value the target cannot represent; the output is then incomplete.</exception>
    public static ConversionResult Convert(Stream input, Stream output, ConversionPlan plan, ConversionTarget target, bool lossy = false, int maxFrame = MigrationStreamAnalyzer.MaxStreamedFrame)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(target);
        long start = input.Position;
        AnalysisObject desc = MigrationStreamAnalyzer.Description(input);
        input.Position = start;
        var state = new State(plan, target, lossy, output);
        state.CheckDevices(desc);
        var decoder = new AnalysisDecoder(desc, null, null, AnalyzerRules.FromStream, state.BodyPart)
        {
            SectionHeader = state.SectionHeader,
            FrameRead = state.Frame,
        };
        var source = new MigrationInput(input, maxFrame);
        decoder.Frame(source, AnalysisDecoder.ReadFileHeader);
        while (!decoder.Frame(source, decoder.ReadFrame))
        {
        }

        state.WriteVmDescription(desc);
        return new ConversionResult(state.Written, state.Sections, state.Dropped);
    }

    private sealed class State(ConversionPlan plan, ConversionTarget target, bool lossy, Stream output)
    {
        private readonly Dictionary<long, Section> _sections = [];
        private readonly List<(bool Subsection, string Name, long Start, long End)> _parts = [];
        private readonly HashSet<(string IdStr, long Instance, string Subsection)> _droppedSubsections = [];
        private readonly Dictionary<(string, long), AnalysisObject> _entries = [];
        private Section? _current;
        private long _bodyAt;
        private bool _switchoverSent;
        private bool _headerDone;

        public long Written { get; private set; }

        public int Sections { get; private set; }

        public List<string> Dropped { get; } = [];

        // Each device of the VMDESCRIPTION: known to the source release, and convertible to the target.
        public void CheckDevices(AnalysisObject desc)
        {
            if (desc["devices"] is not AnalysisList devices)
            {
                return;
            }

            var problems = new List<string>();
            foreach (AnalysisObject d in devices.Items.OfType<AnalysisObject>())
            {
                string name = VmDescriptionWalker.Text(d, "name");
                long instance = VmDescriptionWalker.Number(d, "instance_id");
                _entries[(name, instance)] = d;
                string vmsd = VmDescriptionWalker.Text(d, "vmsd_name");
                if (vmsd.Length == 0)
                {
                    continue; // an old-style section (slirp): its bytes are its handler's, the same in both
                }

                DeviceConversion? rules = plan.ForSection(vmsd, FieldNames(d));
                if (rules is null)
                {
                    problems.Add($"'{name}' {instance}: QEMU {plan.From.Release} has no description '{vmsd}'");
                }
                else if (rules.Missing)
                {
                    problems.Add($"'{name}' {instance}: QEMU {plan.To.Release} has no description '{vmsd}'");
                }
                else if (!rules.Convertible)
                {
                    problems.Add($"'{name}' {instance}: " + string.Join("; ", rules.Explain(plan.From.Release, plan.To.Release).Where(l => l.EndsWith("refused", StringComparison.Ordinal))));
                }
            }

            if (problems.Count > 0)
            {
                throw new VmStateLoadException($"QEMU {plan.To.Release} cannot take {problems.Count} section(s) of this stream: " + string.Join("; ", problems), 0);
            }
        }

        public void BodyPart(bool subsection, string name, long start, long end) => _parts.Add((subsection, name, start, end));

        public void SectionHeader(QemuSectionType type, long id, string name, long instance, long version, long bodyAt, AnalysisObject? device)
        {
            _parts.Clear();
            _bodyAt = bodyAt;
            if (type is QemuSectionType.SectionStart or QemuSectionType.SectionFull)
            {
                string vmsd = device is null ? "" : VmDescriptionWalker.Text(device, "vmsd_name");
                _sections[id] = new Section(name, instance, device, vmsd.Length == 0 ? null : plan.ForSection(vmsd, FieldNames(device!)));
            }

            _current = _sections[id];
        }

        public void Frame(long offset, ReadOnlySpan<byte> bytes)
        {
            if (!_headerDone)
            {
                _headerDone = true;
                Write(bytes);
                return;
            }

            switch ((QemuSectionType)bytes[0])
            {
                case QemuSectionType.Configuration:
                    WriteConfiguration(bytes);
                    break;
                case QemuSectionType.Command when bytes.Length == 5 && bytes[2] == (byte)QemuMigrationCommand.SwitchoverStart && bytes[1] == 0:
                    break; // the target's writer decides
                case QemuSectionType.SectionEnd or QemuSectionType.Eof:
                    SendSwitchoverStart();
                    WriteSection(offset, bytes);
                    break;
                case QemuSectionType.SectionStart or QemuSectionType.SectionPart or QemuSectionType.SectionFull:
                    WriteSection(offset, bytes);
                    break;
                default:
                    Write(bytes);
                    break;
            }
        }

        private void SendSwitchoverStart()
        {
            if (target.SwitchoverStart && !_switchoverSent)
            {
                _switchoverSent = true;
                Write(SwitchoverStartFrame);
            }
        }

        private void WriteConfiguration(ReadOnlySpan<byte> bytes)
        {
            int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]);
            byte[] name = Encoding.UTF8.GetBytes(target.MachineType);
            Span<byte> head = stackalloc byte[5];
            head[0] = (byte)QemuSectionType.Configuration;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(head[1..], (uint)name.Length);
            Write(head);
            Write(name);
            Write(bytes[(5 + length)..]);
        }

        private void WriteSection(long offset, ReadOnlySpan<byte> bytes)
        {
            if ((QemuSectionType)bytes[0] == QemuSectionType.Eof || _current is not { Rules: { } rules } section
                || (rules.Identical && _parts.TrueForAll(p => !p.Subsection || TargetHas(rules, p.Name))))
            {
                if ((QemuSectionType)bytes[0] is QemuSectionType.SectionFull or QemuSectionType.SectionStart && _current?.Rules is not null)
                {
                    Sections++;
                }

                Write(bytes);
                return;
            }

            Sections++;
            int body = (int)(_bodyAt - offset);
            byte[] copy = bytes.ToArray();
            var keep = new List<(int Start, int End)> { (0, body) };
            int at = body;
            foreach ((bool subsection, string name, long s, long e) in _parts.OrderBy(p => p.Start))
            {
                int from = (int)(s - offset);
                int to = (int)(e - offset);
                // By what the stream sends, not only by the plan: a subsection the target's description lacks.
                if (subsection && (rules.DroppedSubsections.Contains(name) || !TargetHas(rules, name)))
                {
                    string values = SubsectionValues(section, name, copy.AsSpan(from, to - from), s);
                    Refuse(section, $"subsection {name} ({values})", "dropped", s);
                    _droppedSubsections.Add((section.IdStr, section.Instance, name));
                    keep.Add((at, from));
                    at = to;
                    continue;
                }

                if (!subsection)
                {
                    ApplySplits(section, rules, name, copy.AsSpan(from, to - from), s);
                }
            }

            keep.Add((at, copy.Length));
            foreach ((int s, int e) in keep)
            {
                Write(copy.AsSpan(s, e - s));
            }
        }

        private static bool TargetHas(DeviceConversion rules, string subsection) =>
            rules.Target is { } target && target.Subsections.Any(s => s.Name == subsection);

        // The distinct top-level field names of a VMDESCRIPTION entry, in order.
        private static List<string> FieldNames(AnalysisObject entry) =>
            entry["fields"] is AnalysisList fields
                ? [.. fields.Items.Select(f => VmDescriptionWalker.Text(f, "name")).Distinct(StringComparer.Ordinal)]
                : [];

        private void ApplySplits(Section section, DeviceConversion rules, string field, Span<byte> value, long at)
        {
            foreach ((FieldSplit split, bool goingOld) in rules.Splits)
            {
                if (goingOld)
                {
                    FieldPart? part = split.Parts.FirstOrDefault(p => p.Name == field);
                    if (part is null || part.GoingOld == SplitValue.Kept || value.IndexOfAnyExcept((byte)0) < 0)
                    {
                        continue;
                    }

                    if (part.GoingOld == SplitValue.Lost)
                    {
                        Refuse(section, $"field {field} = {Hex(value)}", "cleared", at);
                    }

                    value.Clear();
                }
                else if (field == split.OldName && value.Length == split.Size)
                {
                    int offset = 0;
                    foreach (FieldPart part in split.Parts)
                    {
                        Span<byte> bytes = value.Slice(offset, part.Size);
                        if (part.ZeroGoingNew && bytes.IndexOfAnyExcept((byte)0) >= 0)
                        {
                            throw Error(section, $"field {field} holds {Hex(bytes)} at bytes {offset}..{offset + part.Size - 1}, where QEMU {plan.To.Release} reads {part.Name}; QEMU {plan.From.Release} writes zeros there", at + offset);
                        }

                        offset += part.Size;
                    }
                }
            }
        }

        // A value the target has no place for: an error, or with --lossy a line of the result.
        private void Refuse(Section section, string what, string done, long at)
        {
            if (!lossy)
            {
                throw Error(section, $"{what} has no place in QEMU {plan.To.Release}; convert with --lossy to have it {done}", at);
            }

            Dropped.Add($"'{section.IdStr}' {section.Instance}: {what} {done}: QEMU {plan.To.Release} has no place for it");
        }

        private static VmStateLoadException Error(Section section, string text, long at) =>
            new($"'{PrintableText.Escape(section.IdStr)}' instance {section.Instance}: {text}", at) { Section = section.IdStr };

        private static string SubsectionValues(Section section, string name, ReadOnlySpan<byte> bytes, long at)
        {
            if (section.Device?["subsections"] is not AnalysisList subs
                || subs.Items.OfType<AnalysisObject>().FirstOrDefault(s => VmDescriptionWalker.Text(s, "vmsd_name") == name) is not { } description)
            {
                return Hex(bytes);
            }

            // 05, the counted name, the be32 version, then the body the description reads.
            int body = 1 + 1 + bytes[1] + 4;
            var reader = new VmStateReader(bytes[body..], at + body);
            var values = new AnalysisObject();
            new VmDescriptionWalker().ReadBody(ref reader, description, values);
            return string.Join(", ", values.Members.Select(m => m.Key + " = " + m.Value.ToJson().Trim()));
        }

        private static string Hex(ReadOnlySpan<byte> bytes) =>
            bytes.Length <= 8 ? "0x" + System.Convert.ToHexStringLower(bytes) : System.Convert.ToHexStringLower(bytes[..8]) + "...";

        public void WriteVmDescription(AnalysisObject desc)
        {
            var root = new AnalysisObject();
            if (target.DescribeConfiguration)
            {
                root.Set(ConfigurationSection.Name, ConfigurationDescription(desc[ConfigurationSection.Name] as AnalysisObject));
            }

            foreach ((string key, AnalysisNode value) in desc.Members)
            {
                if (key != ConfigurationSection.Name)
                {
                    root.Set(key, value);
                }
            }

            if (root["devices"] is AnalysisList devices)
            {
                foreach (AnalysisObject d in devices.Items.OfType<AnalysisObject>())
                {
                    string vmsd = VmDescriptionWalker.Text(d, "vmsd_name");
                    if (vmsd.Length > 0 && plan.ForSection(vmsd, FieldNames(d)) is { } rules)
                    {
                        Rewrite(d, rules, VmDescriptionWalker.Text(d, "name"), VmDescriptionWalker.Number(d, "instance_id"));
                    }
                }
            }

            var json = new VmDescriptionWriter();
            WriteNode(json, null, root);
            byte[] text = Encoding.UTF8.GetBytes(json.ToString());
            int padding = MigrationSaver.VmDescriptionPadding(text.Length);
            Span<byte> head = stackalloc byte[5];
            head[0] = (byte)QemuSectionType.VmDescription;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(head[1..], (uint)(text.Length + padding));
            Write(head);
            Write(text);
            for (int i = 0; i < padding; i++)
            {
                Write(" "u8);
            }
        }

        // QEMU's own description of the configuration section: the name's length and the name.
        private AnalysisObject ConfigurationDescription(AnalysisObject? existing)
        {
            var config = new AnalysisObject();
            config.Set("vmsd_name", new AnalysisString(ConfigurationSection.Name));
            config.Set("version", new AnalysisNumber("1"));
            var fields = new AnalysisList(2);
            fields.Items.Add(FieldEntry("len", "uint32", 4));
            fields.Items.Add(FieldEntry("name", VmStateTypeNames.Buffer, Encoding.UTF8.GetByteCount(target.MachineType)));
            config.Set("fields", fields);
            if (existing?["subsections"] is AnalysisNode subsections)
            {
                config.Set("subsections", subsections);
            }

            return config;
        }

        private static AnalysisObject FieldEntry(string name, string type, long size)
        {
            var field = new AnalysisObject();
            field.Set("name", new AnalysisString(name));
            field.Set("type", new AnalysisString(type));
            field.Set("size", new AnalysisNumber(size.ToString(CultureInfo.InvariantCulture)));
            return field;
        }

        // QEMU 10.0 leaves "index" off the last element of a struct array, which QEMU 7.2's script then prints alone:
        // for a 7.2 target that element gets its index back (after "name", where QEMU puts it).
        private static void RestoreLastIndex(AnalysisList fields)
        {
            List<AnalysisNode> items = fields.Items;
            for (int i = 1; i < items.Count; i++)
            {
                if (items[i] is AnalysisObject last && last["index"] is null && last["array_len"] is null
                    && items[i - 1] is AnalysisObject before && before["index"] is AnalysisNumber n
                    && VmDescriptionWalker.Text(before, "name") == VmDescriptionWalker.Text(last, "name")
                    && long.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long index))
                {
                    var entry = new AnalysisObject();
                    foreach ((string key, AnalysisNode value) in last.Members)
                    {
                        entry.Set(key, value);
                        if (key == "name")
                        {
                            entry.Set("index", new AnalysisNumber((index + 1).ToString(CultureInfo.InvariantCulture)));
                        }
                    }

                    items[i] = entry;
                }

                if (items[i] is AnalysisObject f && f["struct"] is AnalysisObject nested && nested["fields"] is AnalysisList inner)
                {
                    RestoreLastIndex(inner);
                }
            }

            if (items.Count > 0 && items[0] is AnalysisObject first && first["struct"] is AnalysisObject s0 && s0["fields"] is AnalysisList f0)
            {
                RestoreLastIndex(f0);
            }
        }

        private void Rewrite(AnalysisObject description, DeviceConversion rules, string idStr, long instance)
        {
            string scope = VmDescriptionWalker.Text(description, "vmsd_name");
            if (description["fields"] is AnalysisList fields)
            {
                if (!target.DescribeConfiguration)
                {
                    RestoreLastIndex(fields);
                }

                foreach ((string s, string from, string to) in rules.Renames.Where(r => r.Scope == scope))
                {
                    foreach (AnalysisObject f in fields.Items.OfType<AnalysisObject>().Where(f => VmDescriptionWalker.Text(f, "name") == from))
                    {
                        f.Set("name", new AnalysisString(to));
                    }
                }

                foreach ((FieldSplit split, bool goingOld) in rules.Splits.Where(s => s.Split.Vmsd == scope))
                {
                    List<AnalysisNode> items = fields.Items;
                    if (goingOld)
                    {
                        int at = items.FindIndex(f => VmDescriptionWalker.Text(f, "name") == split.Parts[0].Name);
                        if (at >= 0 && at + split.Parts.Count <= items.Count)
                        {
                            items.RemoveRange(at, split.Parts.Count);
                            items.Insert(at, FieldEntry(split.OldName, split.OldType, split.Size));
                        }
                    }
                    else
                    {
                        int at = items.FindIndex(f => VmDescriptionWalker.Text(f, "name") == split.OldName);
                        if (at >= 0)
                        {
                            items.RemoveAt(at);
                            items.InsertRange(at, split.Parts.Select(p => FieldEntry(p.Name, p.Type, p.Size)));
                        }
                    }
                }
            }

            if (description["subsections"] is AnalysisList subsections)
            {
                subsections.Items.RemoveAll(s => _droppedSubsections.Contains((idStr, instance, VmDescriptionWalker.Text(s, "vmsd_name"))));
                foreach (AnalysisObject sub in subsections.Items.OfType<AnalysisObject>())
                {
                    Rewrite(sub, rules, idStr, instance);
                }

                if (subsections.Items.Count == 0)
                {
                    description.Remove("subsections");
                }
            }
        }

        private static void WriteNode(VmDescriptionWriter json, string? key, AnalysisNode node)
        {
            switch (node)
            {
                case AnalysisObject o:
                    json.BeginObject(key);
                    foreach ((string k, AnalysisNode v) in o.Members)
                    {
                        WriteNode(json, k, v);
                    }

                    json.EndObject();
                    break;
                case AnalysisList l:
                    json.BeginArray(key);
                    foreach (AnalysisNode item in l.Items)
                    {
                        WriteNode(json, null, item);
                    }

                    json.EndArray();
                    break;
                case AnalysisString s:
                    json.String(key!, s.Value);
                    break;
                case AnalysisBool b:
                    json.Bool(key!, b == AnalysisBool.True);
                    break;
                case AnalysisNumber n:
                    json.Number(key!, long.Parse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
                    break;
            }
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            Written += bytes.Length;
        }
    }

    private sealed record Section(string IdStr, long Instance, AnalysisObject? Device, DeviceConversion? Rules);
}
