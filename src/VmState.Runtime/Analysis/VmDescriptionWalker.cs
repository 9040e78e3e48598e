using System.Globalization;
using System.Numerics;
using System.Text;
using VmState.Description;
using VmState.Wire;

namespace VmState.Analysis;

/// <summary>
/// Reads one section body by its VMDESCRIPTION entry, with the rules of QEMU's <c>scripts/analyze-migration.py</c>:
/// each field's <c>size</c> times its <c>array_len</c>, nested <c>struct</c> descriptions, <c>capability</c> strings,
/// then every listed subsection (each must have been sent, in that order). Given an object to fill it decodes the
/// values into it (the analyzer's tree); given none it only consumes the bytes (skipping a section the registry does
/// not know). Numbers in the description are read as Python's <c>int()</c> reads them.
/// </summary>
internal sealed class VmDescriptionWalker
{
    // Values of zero bytes (empty buffers, structs without fields) consume no input, so a hostile array_len could
    // otherwise loop for ever or exhaust memory; every other value consumes at least one byte of the stream.
    private const long EmptyValueLimit = 1 << 20;

    /// <summary>How many values of zero bytes were read so far (saved and restored when a frame is read again).</summary>
    public long EmptyValues { get; set; }

    /// <summary>
    /// Whose script's tree to build: <see cref="AnalyzerRules.Qemu72"/> (the default) or
    /// <see cref="AnalyzerRules.Qemu10"/>; the bytes read are the same.
    /// </summary>
    public AnalyzerRules Rules { get; init; } = AnalyzerRules.Qemu72;

    /// <summary>
    /// Hears every part of a section body at its top level once it is read: each value of a field (subsection false,
    /// its name, where it starts and ends) and each subsection (true, its name, from its <c>05</c> to its end).
    /// </summary>
    public Action<bool, string, long, long>? BodyPart { get; init; }

    private int _depth;

    /// <summary>
    /// Reads the body described by <paramref name="description"/> (an object with <c>fields</c> and optional
    /// <c>subsections</c>); its values go into <paramref name="values"/>, or nowhere when that is null.
    /// </summary>
    /// <exception cref="VmStateLoadException">The bytes do not match the description, or the description is unusable.</exception>
    public void ReadBody(ref VmStateReader reader, AnalysisObject description, AnalysisObject? values)
    {
        _depth++;
        try
        {
            ReadBodyAtDepth(ref reader, description, values);
        }
        finally
        {
            _depth--;
        }
    }

    private void ReadBodyAtDepth(ref VmStateReader reader, AnalysisObject description, AnalysisObject? values)
    {
        if (description["fields"] is not AnalysisList fields)
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

            // As the script unfolds arrays: any array_len (even 0 or 1) makes list elements 0..n-1 (at least one);
            // a field with an "index" (QEMU's struct arrays, one field per element) is that element of a list.
            // QEMU 10's script ignores "index": a name's first value stands alone, a second makes a list of both.
            bool mergeRepeats = Rules == AnalyzerRules.Qemu10;
            bool isArray = field["array_len"] is not null;
            long count = isArray ? Math.Max(1, Number(field, "array_len")) : 1;
            bool inList = isArray || (!mergeRepeats && field["index"] is not null);
            long firstIndex = isArray || !inList ? 0 : Number(field, "index");
            AnalysisList? list = null;
            try
            {
                // A count the input cannot hold fails before a single element is decoded (or, over a socket, waits
                // for the whole frame), so a hostile array_len costs no work.
                bool bounded = count > 1 && FixedSize(field) is long size and > 0;
                if (bounded)
                {
                    reader.EnsureAvailable(count, FixedSize(field)!.Value);
                }

                if (mergeRepeats && values is not null)
                {
                    list = MergeList(values, name, count, bounded);
                }
                else if (inList && values is not null)
                {
                    switch (values[name])
                    {
                        case null:
                            // Room for every element when the input is known to hold them; else grown as they come.
                            list = new AnalysisList((int)Math.Min(count, bounded ? int.MaxValue : 1 << 16));
                            values.Set(name, list);
                            break;
                        case AnalysisList existing:
                            list = existing;
                            break;
                        default:
                            throw new VmStateLoadException($"Field '{PrintableText.Escape(name)}' is both a value and a list element", reader.Position);
                    }

                    if (list.Items.Count != firstIndex)
                    {
                        throw new VmStateLoadException(
                            string.Create(CultureInfo.InvariantCulture, $"internal index of data field unmatched ({list.Items.Count}/{firstIndex})"),
                            reader.Position);
                    }
                }
            }
            catch (VmStateException e) when (e.InField(name, -1))
            {
            }

            for (long i = 0; i < count; i++)
            {
                long before = reader.Position;
                try
                {
                    AnalysisNode? value = ReadField(ref reader, field, decode: values is not null);
                    if (_depth == 1)
                    {
                        BodyPart?.Invoke(false, name, before, reader.Position);
                    }

                    if (reader.Position == before && ++EmptyValues > EmptyValueLimit)
                    {
                        throw new VmStateLoadException(
                            string.Create(CultureInfo.InvariantCulture, $"The description asks for more than {EmptyValueLimit} values of zero bytes (array_len {count})"),
                            reader.Position);
                    }

                    if (list is not null)
                    {
                        list.Items.Add(value!);
                    }
                    else
                    {
                        // A name met again replaces its value in its first place, as the script's dict does.
                        values?.Set(name, value!);
                    }
                }
                catch (VmStateException e) when (e.InField(name, inList ? (int)Math.Clamp(firstIndex + i, 0, int.MaxValue) : -1))
                {
                }
            }
        }

        if (description["subsections"] is AnalysisList subsections)
        {
            foreach (AnalysisNode s in subsections.Items)
            {
                long at = reader.Position;
                if (reader.ReadUInt8() != (byte)QemuSectionType.Subsection)
                {
                    VmStateThrow.LoadFailed($"Subsection {PrintableText.Escape(Text(s, "vmsd_name"))} not found", at);
                }

                string name = reader.ReadCountedString();
                reader.ReadUInt32();
                if (s is not AnalysisObject sub)
                {
                    throw new VmStateLoadException("Empty description for subsection: " + name, at);
                }

                AnalysisObject? subValues = values is null ? null : new AnalysisObject();
                try
                {
                    ReadBody(ref reader, sub, subValues);
                }
                catch (VmStateException e) when (e.InSubsection(name))
                {
                }

                values?.Set(name, subValues!);
                if (_depth == 1)
                {
                    BodyPart?.Invoke(true, name, at, reader.Position);
                }
            }
        }
    }

    /// <summary>The string member <paramref name="key"/> of an object node; empty when it is missing or not a string.</summary>
    public static string Text(AnalysisNode? node, string key) =>
        (node as AnalysisObject)?[key] is AnalysisString s ? s.Value : "";

    /// <summary>
    /// The number member <paramref name="key"/> as Python's <c>int()</c> takes it: integers, integral strings and
    /// floats (truncated toward zero).
    /// </summary>
    /// <exception cref="VmStateLoadException">The member is missing or not a number.</exception>
    public static long Number(AnalysisObject node, string key) => node[key] switch
    {
        AnalysisNumber n when long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) => v,
        AnalysisNumber n when double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            && double.IsFinite(d) && Math.Abs(d) < 9e18 => (long)Math.Truncate(d),
        AnalysisString s when long.TryParse(s.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long w) => w,
        _ => throw new VmStateLoadException($"Description member '{PrintableText.Escape(key)}' is not a number", -1),
    };

    // Where QEMU 10's script puts the values of a field met now: null (the value stands alone) for a name not seen
    // before with one value coming; else the name's list, made (in the name's first place, holding its earlier
    // value) when there was none.
    private static AnalysisList? MergeList(AnalysisObject values, string name, long count, bool bounded)
    {
        AnalysisNode? existing = values[name];
        if (existing is AnalysisList merged)
        {
            return merged;
        }

        if (existing is null && count <= 1)
        {
            return null;
        }

        var list = new AnalysisList((int)Math.Min(count + 1, bounded ? int.MaxValue : 1 << 16));
        if (existing is not null)
        {
            list.Items.Add(existing);
        }

        values.Set(name, list);
        return list;
    }

    // The byte size of one value of a field that is not a struct or capability (those vary); null for those.
    private static long? FixedSize(AnalysisObject field) =>
        Text(field, "type") is VmStateTypeNames.Struct or "capability" ? null : Number(field, "size");

    // One value of a field; null when only consuming.
    private AnalysisNode? ReadField(ref VmStateReader reader, AnalysisObject field, bool decode)
    {
        string type = Text(field, "type");
        if (type == VmStateTypeNames.Struct)
        {
            if (field["struct"] is not AnalysisObject nested)
            {
                throw new VmStateLoadException("Struct field without a struct description", reader.Position);
            }

            AnalysisObject? values = decode ? new AnalysisObject() : null;
            ReadBody(ref reader, nested, values);
            return values;
        }

        if (type == "capability")
        {
            string capability = reader.ReadCountedString();
            return decode ? new AnalysisString(capability) : null;
        }

        long size = Number(field, "size");
        if (size < 0)
        {
            throw new VmStateLoadException(string.Create(CultureInfo.InvariantCulture, $"Field size {size} is negative"), reader.Position);
        }

        reader.EnsureAvailable(size, 1);
        if (!decode)
        {
            reader.Skip(size);
            return null;
        }

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
                    throw new VmStateLoadException($"Integer field of type '{PrintableText.Escape(type)}' has size 0", reader.Position);
                }

                // The script reads "uint8 equal" and "uint16 equal" as signed integers, as it reads the int types.
                return Integer(bytes, signed: type[0] == 'i' || type is "uint8 equal" or "uint16 equal");
            case VmStateTypeNames.NullPtr when Rules == AnalyzerRules.Qemu10:
                // QEMU 10 marks a NULL element of an array of pointers with the byte '0'; QEMU 7.2's script does not
                // know the type and prints the bytes.
                if (bytes.Length != 1 || bytes[0] != (byte)'0')
                {
                    throw new VmStateLoadException($"A nullptr field holds {Hex(bytes)}, not the marker 30", reader.Position - bytes.Length);
                }

                return new AnalysisString(VmStateTypeNames.NullPtr);
            default:
                return HexValue(bytes);
        }
    }

    // Values of one and two bytes are shared nodes: an array of a million bytes then costs a reference per element,
    // less than it prints, which is what bounds the analyzer's memory by its output.
    private static AnalysisString Integer(ReadOnlySpan<byte> bytes, bool signed)
    {
        if (bytes.Length <= 2)
        {
            int raw = bytes.Length == 1 ? bytes[0] : (bytes[0] << 8) | bytes[1];
            AnalysisString?[] cache = SmallValues.Get(bytes.Length, signed ? SmallValues.Signed : SmallValues.Unsigned);
            return cache[raw] ??= new AnalysisString(IntegerText(bytes, signed));
        }

        return new AnalysisString(IntegerText(bytes, signed));
    }

    private static string IntegerText(ReadOnlySpan<byte> bytes, bool signed)
    {
        if (bytes.Length <= 8)
        {
            ulong u = 0;
            foreach (byte b in bytes)
            {
                u = (u << 8) | b;
            }

            string hex = "0x" + u.ToString("x" + (bytes.Length * 2).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            int shift = 64 - (bytes.Length * 8);
            long v = (long)(u << shift) >> shift;
            return signed && v < 0 ? hex + " (" + v.ToString(CultureInfo.InvariantCulture) + ")" : hex;
        }

        var unsignedValue = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var value = signed ? new BigInteger(bytes, isUnsigned: false, isBigEndian: true) : unsignedValue;
        string digits = unsignedValue.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        digits = digits.PadLeft(Math.Max(bytes.Length * 2, 1), '0');
        return value.Sign < 0
            ? "0x" + digits + " (" + value.ToString(CultureInfo.InvariantCulture) + ")"
            : "0x" + digits;
    }

    private static AnalysisString HexValue(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 1
            ? SmallValues.Get(1, SmallValues.Buffer)[bytes[0]] ??= new AnalysisString(Hex(bytes))
            : new AnalysisString(Hex(bytes));

    /// <summary>Shared nodes for the values of one and two bytes, made when first met.</summary>
    private static class SmallValues
    {
        public const int Unsigned = 0;
        public const int Signed = 1;
        public const int Buffer = 2;

        private static readonly AnalysisString?[]?[] Tables = new AnalysisString?[]?[6];

        public static AnalysisString?[] Get(int size, int kind)
        {
            ref AnalysisString?[]? table = ref Tables[((size - 1) * 3) + kind];
            if (table is null)
            {
                Interlocked.CompareExchange(ref table, new AnalysisString?[size == 1 ? 256 : 65536], null);
            }

            return table;
        }
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
}
