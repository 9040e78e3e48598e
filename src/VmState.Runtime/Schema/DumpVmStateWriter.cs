using System.Globalization;
using System.Text;
using VmState.Description;

namespace VmState.Schema;

/// <summary>
/// Writes the schema file of QEMU's <c>-dump-vmstate</c>: the text QEMU prints, byte for byte (two-space indent,
/// one key per line), keyed by device type, after a <c>vmschkmachine</c> entry naming the machine. It is the input of
/// QEMU's <c>vmstate-static-checker.py</c>.
/// </summary>
public static class DumpVmStateWriter
{
    /// <summary>The whole file for <paramref name="devices"/> under machine type <paramref name="machine"/>.</summary>
    public static string Write(string machine, IEnumerable<VmStateDescription> devices, DumpVmStateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        options ??= new DumpVmStateOptions();
        var sb = new StringBuilder();
        sb.Append("{\n  \"vmschkmachine\": {\n    \"Name\": ");
        Quoted(sb, machine);
        sb.Append("\n  }");
        foreach (VmStateDescription d in devices)
        {
            foreach (string key in d.DumpKeys)
            {
                WriteSection(sb, key, d, options);
            }
        }

        sb.Append("\n}\n");
        return sb.ToString();
    }

    private static void WriteSection(StringBuilder sb, string key, VmStateDescription d, DumpVmStateOptions options)
    {
        sb.Append(",\n  ");
        Quoted(sb, key);
        sb.Append(": {\n    \"Name\": ");
        Quoted(sb, key);
        sb.Append(",\n    \"version_id\": ").Append(Num(d.Version));
        sb.Append(",\n    \"minimum_version_id\": ").Append(Num(d.MinimumVersion));
        sb.Append(",\n    \"Description\": {\n");
        WriteDescription(sb, d, 6, options);
        sb.Append("\n    }\n  }");
    }

    /// <summary>The body of one description object (without its braces) at <paramref name="indent"/> spaces.</summary>
    public static void WriteDescription(StringBuilder sb, VmStateDescription d, int indent, DumpVmStateOptions options)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(options);
        string pad = new(' ', indent);
        sb.Append(pad).Append("\"name\": ");
        Quoted(sb, d.Name);
        sb.Append(",\n").Append(pad).Append("\"version_id\": ").Append(Num(d.Version));
        sb.Append(",\n").Append(pad).Append("\"minimum_version_id\": ").Append(Num(d.MinimumVersion));
        sb.Append(",\n").Append(pad).Append("\"Fields\": [\n");
        bool first = true;
        foreach (VmStateFieldDescription f in d.Fields)
        {
            // QEMU leaves VALIDATE entries (its MUST_EXIST flag) out of the dump.
            if (f.Kind == VmStateFieldKind.Validate)
            {
                continue;
            }

            if (!first)
            {
                sb.Append(",\n");
            }

            first = false;
            Field(sb, f, indent + 2, options);
        }

        sb.Append('\n').Append(pad).Append(']');
        if (!d.Subsections.IsEmpty)
        {
            sb.Append(",\n").Append(pad).Append("\"Subsections\": [\n");
            for (int i = 0; i < d.Subsections.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(",\n");
                }

                sb.Append(pad).Append("  {\n");
                WriteDescription(sb, d.Subsections[i], indent + 4, options);
                sb.Append('\n').Append(pad).Append("  }");
            }

            sb.Append('\n').Append(pad).Append(']');
        }
    }

    private static void Field(StringBuilder sb, VmStateFieldDescription f, int indent, DumpVmStateOptions options)
    {
        string pad = new(' ', indent);
        string inner = pad + "  ";
        sb.Append(pad).Append("{\n");
        sb.Append(inner).Append("\"field\": ");
        Quoted(sb, f.Name);
        sb.Append(",\n").Append(inner).Append("\"version_id\": ").Append(Num(f.Version));
        sb.Append(",\n").Append(inner).Append("\"field_exists\": ").Append(f.HasExists ? "true" : "false");
        if (options.IncludeNum && f.Length is int num)
        {
            sb.Append(",\n").Append(inner).Append("\"num\": ").Append(Num(num));
        }

        sb.Append(",\n").Append(inner).Append("\"size\": ").Append(Num(f.DumpSize));
        if (f.Nested is not null)
        {
            sb.Append(",\n").Append(inner).Append("\"Description\": {\n");
            WriteDescription(sb, f.Nested, indent + 4, options);
            sb.Append('\n').Append(inner).Append('}');
        }

        sb.Append('\n').Append(pad).Append('}');
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    // QEMU prints names with a plain %s inside quotes; names are identifiers, so only the quote needs care.
    private static void Quoted(StringBuilder sb, string s) => sb.Append('"').Append(s.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
}
