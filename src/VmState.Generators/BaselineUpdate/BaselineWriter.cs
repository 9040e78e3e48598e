using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.Diagnostics;
using VmState.Generators.Model;

namespace VmState.Generators.BaselineUpdate;

/// <summary>
/// A <c>-dump-vmstate</c> entry from the generator's model: for each <see cref="TypeSpec"/> the text the runtime's
/// <c>DumpVmStateWriter</c> writes for the same type's <c>VmStateDescription</c>, byte for byte (a test compares
/// them for every golden and sample type). A pure function; the build writes the file
/// (<see cref="BaselineFile.Update"/>).
/// </summary>
internal static class BaselineWriter
{
    /// <summary>The MSBuild property that asks for the entries (a <c>CompilerVisibleProperty</c> of VmState.targets).</summary>
    public const string Property = "build_property.VmStateUpdateBaseline";

    private const int MaxNesting = 32;

    /// <summary>Whether the build asked for the baseline entries (<c>-p:VmStateUpdateBaseline=true</c>).</summary>
    public static bool IsRequested(AnalyzerConfigOptions globalOptions) =>
        globalOptions.TryGetValue(Property, out string? value) && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The entries of every type in <paramref name="specs"/>, ordered by key then type: a type nested in another (a
    /// struct or tmp field) of the same set is not a section; nested types resolve within the set.
    /// </summary>
    public static EquatableArray<BaselineEntry> WriteEntries(IEnumerable<TypeSpec> specs)
    {
        TypeSpec[] all = specs.ToArray();
        var byName = new Dictionary<string, TypeSpec>(StringComparer.Ordinal);
        foreach (TypeSpec spec in all)
        {
            byName[spec.FullyQualifiedName] = spec;
        }

        var nested = new HashSet<string>(StringComparer.Ordinal);
        foreach (TypeSpec spec in all)
        {
            foreach (DescriptionSpec d in new[] { spec.Description }.Concat(spec.Subsections))
            {
                foreach (FieldSpec f in d.Fields)
                {
                    if (f.Kind is FieldKind.Struct or FieldKind.Tmp && f.ElementType is { } element)
                    {
                        nested.Add(element);
                    }
                }
            }
        }

        Func<string, TypeSpec?> resolve = name => byName.TryGetValue(name, out TypeSpec? t) ? t : null;
        return all
            .SelectMany(s => Keys(s).Select(key => WriteEntry(s, key, !nested.Contains(s.FullyQualifiedName), resolve)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ThenBy(e => e.TypeName, StringComparer.Ordinal)
            .ToEquatableArray();
    }

    /// <summary>The keys a <c>-dump-vmstate</c> file lists the type under: its DeviceTypes, else its DeviceType, else its name.</summary>
    public static IReadOnlyList<string> Keys(TypeSpec spec) =>
        spec.DeviceTypes.Count > 0 ? spec.DeviceTypes.ToArray() : [spec.DeviceType ?? spec.Description.Name];

    /// <summary>
    /// The entry of <paramref name="spec"/> under <paramref name="key"/> (one of <see cref="Keys"/>);
    /// <paramref name="resolve"/> finds the spec of a nested type by its <c>global::</c>-qualified name (null when it
    /// is described in another assembly).
    /// </summary>
    public static BaselineEntry WriteEntry(TypeSpec spec, string key, bool isSection, Func<string, TypeSpec?> resolve)
    {
        string typeName = spec.FullyQualifiedName.Replace("global::", "");
        var writer = new Writer(resolve);
        var sb = new StringBuilder();
        sb.Append("{\n    \"Name\": ").Append(BaselineFile.Quote(key));
        sb.Append(",\n    \"version_id\": ").Append(Num(spec.Description.Version));
        sb.Append(",\n    \"minimum_version_id\": ").Append(Num(spec.Description.MinimumVersion));
        sb.Append(",\n    \"Description\": {\n");
        writer.Description(sb, spec, 0, 6, 0);
        sb.Append("\n    }\n  }");
        return writer.Problem is { } problem
            ? new BaselineEntry(key, typeName, isSection, null, problem)
            : new BaselineEntry(key, typeName, isSection, sb.ToString(), null);
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Walks one type's descriptions as the runtime's writer walks its metadata (VmStateGenerator.Emitter.Metadata
    // says what that metadata holds), keeping the first reason the text cannot be known.
    private sealed class Writer(Func<string, TypeSpec?> resolve)
    {
        public string? Problem { get; private set; }

        // Description k of spec (0 its own, k > 0 Subsections[k - 1]): name, versions, fields, then its subsections.
        public void Description(StringBuilder sb, TypeSpec spec, int k, int indent, int depth)
        {
            DescriptionSpec d = k == 0 ? spec.Description : spec.Subsections[k - 1];
            string pad = new(' ', indent);
            sb.Append(pad).Append("\"name\": ").Append(BaselineFile.Quote(d.Name));
            sb.Append(",\n").Append(pad).Append("\"version_id\": ").Append(Num(d.Version));
            sb.Append(",\n").Append(pad).Append("\"minimum_version_id\": ").Append(Num(d.MinimumVersion));
            sb.Append(",\n").Append(pad).Append("\"Fields\": [\n");
            bool first = true;
            foreach (FieldSpec f in d.Fields)
            {
                // QEMU leaves VALIDATE entries out of the dump.
                if (f.Kind == FieldKind.Validate)
                {
                    continue;
                }

                sb.Append(first ? "" : ",\n");
                first = false;
                Field(sb, spec, d, f, indent + 2, depth);
            }

            sb.Append('\n').Append(pad).Append(']');
            string? parent = k == 0 ? null : d.Name;
            int[] children = Enumerable.Range(1, spec.Subsections.Count).Where(s => spec.Subsections[s - 1].Parent == parent).ToArray();
            if (children.Length == 0)
            {
                return;
            }

            sb.Append(",\n").Append(pad).Append("\"Subsections\": [\n");
            for (int i = 0; i < children.Length; i++)
            {
                sb.Append(i == 0 ? "" : ",\n").Append(pad).Append("  {\n");
                Description(sb, spec, children[i], indent + 4, depth);
                sb.Append('\n').Append(pad).Append("  }");
            }

            sb.Append('\n').Append(pad).Append(']');
        }

        private void Field(StringBuilder sb, TypeSpec owner, DescriptionSpec d, FieldSpec f, int indent, int depth)
        {
            string pad = new(' ', indent);
            string inner = pad + "  ";
            TypeSpec? nested = f.Kind is FieldKind.Struct or FieldKind.Tmp ? Nested(owner, d, f, depth) : null;
            sb.Append(pad).Append("{\n");
            sb.Append(inner).Append("\"field\": ").Append(BaselineFile.Quote(f.Name));
            sb.Append(",\n").Append(inner).Append("\"version_id\": ").Append(Num(f.Since));
            sb.Append(",\n").Append(inner).Append("\"field_exists\": ").Append(f.Exists is not null ? "true" : "false");
            if (Count(f) is int num)
            {
                sb.Append(",\n").Append(inner).Append("\"num\": ").Append(Num(num));
            }

            sb.Append(",\n").Append(inner).Append("\"size\": ").Append(BaselineWriter.Num(nested is not null ? DumpSize(nested, depth + 1) : Size(d, f)));
            if (nested is not null)
            {
                sb.Append(",\n").Append(inner).Append("\"Description\": {\n");
                Description(sb, nested, 0, indent + 4, depth + 1);
                sb.Append('\n').Append(inner).Append('}');
            }

            sb.Append('\n').Append(pad).Append('}');
        }

        private TypeSpec? Nested(TypeSpec owner, DescriptionSpec d, FieldSpec f, int depth)
        {
            if (depth >= MaxNesting)
            {
                Fail(d, f, "descriptions nest more than " + Num(MaxNesting) + " deep (does a type contain itself?)");
                return null;
            }

            TypeSpec? nested = f.ElementType is { } element ? resolve(element) : null;
            if (nested is null)
            {
                Fail(d, f, "its type " + (f.ElementType ?? "?").Replace("global::", "") + " is not a [VmState] type of this compilation");
            }

            return nested;
        }

        // The element count QEMU's "num" shows: fixed arrays of values or structs.
        private static int? Count(FieldSpec f) =>
            f.Shape == FieldShape.Fixed && f.Kind is FieldKind.Value or FieldKind.Struct ? f.Length : null;

        // Bytes of one element: a value's by its codec; a fixed buffer's or padding's length; 0 for the rest.
        private int Size(DescriptionSpec d, FieldSpec f)
        {
            if (f.Kind == FieldKind.Value)
            {
                if (f.ValueSize is int size)
                {
                    return size;
                }

                Fail(d, f, "the size of its codec " + (f.Codec ?? "?").Replace("global::", "")
                    + " is not known at build time (make its Size a constant expression in this compilation)");
                return 0;
            }

            return f.Kind is FieldKind.Buffer or FieldKind.Unused && f.Shape != FieldShape.Variable ? f.Length : 0;
        }

        // What a field of this type shows as its size: the declared DumpSize, else the bytes always on the wire.
        private int DumpSize(TypeSpec spec, int depth) => spec.DumpSize > 0 ? spec.DumpSize : WireSize(spec, spec.Description, depth);

        // The fields present at the description's own version, without existence tests; variable parts count 0.
        private int WireSize(TypeSpec owner, DescriptionSpec d, int depth)
        {
            int total = 0;
            foreach (FieldSpec f in d.Fields)
            {
                if (f.Exists is not null || f.Since > d.Version)
                {
                    continue;
                }

                TypeSpec? nested = f.Kind is FieldKind.Struct or FieldKind.Tmp ? Nested(owner, d, f, depth) : null;
                int element = f.Kind is FieldKind.Struct or FieldKind.Tmp
                    ? nested is null ? 0 : WireSize(nested, nested.Description, depth + 1)
                    : Size(d, f);
                bool variableArray = f.Shape == FieldShape.Variable && f.Kind != FieldKind.Buffer;
                total += variableArray ? 0 : element * (Count(f) ?? 1);
            }

            return total;
        }

        private void Fail(DescriptionSpec d, FieldSpec f, string why) =>
            Problem ??= "field '" + f.Name + "' of '" + d.Name + "': " + why;
    }
}
