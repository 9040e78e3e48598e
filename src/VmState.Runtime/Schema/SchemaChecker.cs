using System.Globalization;
using System.Numerics;

namespace VmState.Schema;

/// <summary>
/// Compares two <c>-dump-vmstate</c> files by the rules of QEMU 7.2's <c>scripts/vmstate-static-checker.py</c>: can
/// a QEMU that wrote the source dump migrate to one that wrote the destination dump? The messages, their order and
/// the exit code are the script's, quirks included (see <see cref="SchemaCheckMessageKind"/>). Only what the source
/// has is checked against the destination, so the check is one-directional; run it both ways for both directions.
/// </summary>
public sealed partial class SchemaChecker
{
    private const string MachineSection = "vmschkmachine";

    private readonly List<SchemaCheckMessage> _messages = [];
    private readonly SchemaFieldRenames? _renames;

    private SchemaChecker(SchemaFieldRenames? renames) => _renames = renames;

    /// <summary>Checks migrating from <paramref name="sourceJson"/> to <paramref name="destinationJson"/> (dump texts).</summary>
    /// <exception cref="VmStateSchemaException">A text is not a dump, or lacks a value the check needs (named "src" or "dest").</exception>
    public static SchemaCheckResult Check(string sourceJson, string destinationJson) =>
        Check(DumpVmStateDocument.Parse(sourceJson, "src"), DumpVmStateDocument.Parse(destinationJson, "dest"));

    /// <summary>Checks migrating from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    /// <exception cref="VmStateSchemaException">A dump lacks a value the check needs, or has one of the wrong kind.</exception>
    public static SchemaCheckResult Check(DumpVmStateDocument source, DumpVmStateDocument destination) => Check(source, destination, null);

    /// <summary>
    /// Checks migrating from <paramref name="source"/> to <paramref name="destination"/>, also forgiving the field
    /// renames in <paramref name="renames"/> (e.g. <see cref="SchemaFieldRenames.FromDescriptions"/> of the code's
    /// descriptions); with none, this is QEMU's script exactly.
    /// </summary>
    /// <exception cref="VmStateSchemaException">A dump lacks a value the check needs, or has one of the wrong kind.</exception>
    public static SchemaCheckResult Check(DumpVmStateDocument source, DumpVmStateDocument destination, SchemaFieldRenames? renames)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var checker = new SchemaChecker(renames);
        checker.CheckSections(source.Root, destination.Root);
        return new SchemaCheckResult(checker._messages);
    }

    private bool FieldNamesMatch(string description, string source, string destination) =>
        SchemaCheckRenames.Match(description, source, destination) || (_renames?.Match(description, source, destination) ?? false);

    private void CheckSections(DumpValue src, DumpValue dest)
    {
        foreach (string sec in src.Keys)
        {
            string destSec = sec;
            if (!dest.Has(destSec))
            {
                destSec = SchemaCheckRenames.SectionAlias(sec);
                if (!dest.Has(destSec))
                {
                    Report(SchemaCheckMessageKind.SectionMissing, $"Section \"{sec}\" does not exist in dest");
                    continue;
                }
            }

            DumpValue s = src.Get(sec);
            DumpValue d = dest.Get(destSec);
            if (sec == MachineSection)
            {
                CheckMachineType(s, d);
                continue;
            }

            CheckVersion(s, d, sec, null);
            foreach (string entry in s.Keys)
            {
                if (!d.Has(entry))
                {
                    Report(SchemaCheckMessageKind.SectionEntryMissing, $"Section \"{sec}\": Entry \"{entry}\" missing");
                    continue;
                }

                if (entry == "Description")
                {
                    CheckDescription(s.Get(entry), d.Get(entry), sec);
                }
            }
        }
    }

    private void CheckMachineType(DumpValue s, DumpValue d)
    {
        string source = s.String("Name");
        string destination = d.String("Name");
        if (source != destination)
        {
            Report(SchemaCheckMessageKind.MachineTypeMismatch, $"Warning: checking incompatible machine types: \"{source}\", \"{destination}\"");
        }
    }

    // A description is a section's "Description", a struct field's "Description", or a subsection.
    private void CheckDescription(DumpValue srcDesc, DumpValue destDesc, string sec)
    {
        string name = srcDesc.String("name");
        CheckVersion(srcDesc, destDesc, sec, name);

        string destName = destDesc.String("name");
        if (!SchemaCheckRenames.Match(sec, name, destName))
        {
            Report(SchemaCheckMessageKind.DescriptionRenamed, $"Section \"{sec}\": Description \"{name}\" missing, got \"{destName}\" instead; skipping");
            return;
        }

        // Every key of the source description must be in dest, whatever it is; only two of them have contents.
        foreach (string key in srcDesc.Keys)
        {
            if (!destDesc.Has(key))
            {
                Report(SchemaCheckMessageKind.DescriptionEntryMissing, $"Section \"{sec}\" Description \"{name}\": Entry \"{key}\" missing");
                continue;
            }

            if (key == "Fields")
            {
                CheckFields(srcDesc.Get(key), destDesc.Get(key), name, sec);
            }
            else if (key == "Subsections")
            {
                CheckSubsections(srcDesc.Get(key), destDesc.Get(key), name, sec);
            }
        }
    }

    // Subsections are matched by name, not position; every dest subsection of that name is checked.
    private void CheckSubsections(DumpValue srcSubs, DumpValue destSubs, string desc, string sec)
    {
        foreach (DumpValue s in srcSubs.Items)
        {
            bool found = false;
            foreach (DumpValue d in destSubs.Items)
            {
                if (s.String("name") != d.String("name"))
                {
                    continue;
                }

                found = true;
                CheckDescription(s, d, sec);
            }

            if (!found)
            {
                Report(SchemaCheckMessageKind.SubsectionMissing, $"Section \"{sec}\", Description \"{desc}\": Subsection \"{s.String("name")}\" not found");
            }
        }
    }

    // A struct field's nested description is checked like any other; its size is not (see CheckFields).
    private void CheckNestedDescription(DumpValue s, DumpValue d, string sec, string desc)
    {
        if (!s.Has("Description"))
        {
            return;
        }

        if (!d.Has("Description"))
        {
            Report(SchemaCheckMessageKind.FieldDescriptionMissing, $"Section \"{sec}\", Description \"{desc}\", Field \"{s.String("field")}\": missing description");
            return;
        }

        CheckDescription(s.Get("Description"), d.Get("Description"), sec);
    }

    // Used for sections (desc null), descriptions and fields. The script leaves out the description part when the
    // name is empty, and then, for the minimum version, prints only the start of the line and counts nothing.
    private void CheckVersion(DumpValue s, DumpValue d, string sec, string? desc)
    {
        BigInteger version = s.Integer("version_id");
        BigInteger destVersion = d.Integer("version_id");
        bool named = !string.IsNullOrEmpty(desc);
        if (version > destVersion)
        {
            string description = named ? $"Description \"{desc}\": " : "";
            Report(SchemaCheckMessageKind.VersionTooNew, $"Section \"{sec}\" {description}version error: {Num(version)} > {Num(destVersion)}");
        }

        if (!d.Has("minimum_version_id"))
        {
            return;
        }

        BigInteger minimum = d.Integer("minimum_version_id");
        if (version < minimum)
        {
            if (named)
            {
                Report(SchemaCheckMessageKind.VersionTooOld, $"Section \"{sec}\" Description \"{desc}\": minimum version error: {Num(version)} < {Num(minimum)}");
            }
            else
            {
                Report(SchemaCheckMessageKind.VersionTooOldUnfinished, $"Section \"{sec}\" ");
            }
        }
    }

    private void CheckSize(DumpValue s, DumpValue d, string sec, string desc, string field)
    {
        BigInteger size = s.Integer("size");
        BigInteger destSize = d.Integer("size");
        if (size != destSize)
        {
            string description = desc.Length > 0 ? $"Description \"{desc}\" " : "";
            string fieldPart = field.Length > 0 ? $"Field \"{field}\" " : "";
            Report(SchemaCheckMessageKind.SizeMismatch, $"Section \"{sec}\" {description}{fieldPart}size mismatch: {Num(size)} , {Num(destSize)}");
        }
    }

    private void Report(SchemaCheckMessageKind kind, string text) => _messages.Add(new SchemaCheckMessage(kind, text));

    private static string Num(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
