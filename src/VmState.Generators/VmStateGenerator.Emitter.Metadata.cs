using System.Collections.Generic;
using System.Linq;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        // The description as run-time metadata (VmStateDescription): for schemas, -dump-vmstate and checks. Only what
        // differs from the runtime's defaults is written.
        private static void EmitMetadata(SourceWriter w, Descriptions ds)
        {
            w.Open("private static class __VmStateMetadata");
            w.Line($"internal static readonly {KnownTypes.VmStateDescription} Description = new {KnownTypes.VmStateDescription}");
            w.Open();
            DescriptionMetadata(w, ds, 0);
            w.Close(";");
            w.Close();
        }

        private static void DescriptionMetadata(SourceWriter w, Descriptions ds, int k)
        {
            DescriptionSpec d = ds[k];
            TypeSpec spec = ds.Spec;
            w.Line($"Name = {Lit(d.Name)},");
            Optional(w, "Version", d.Version != 0, Str(d.Version));
            Optional(w, "MinimumVersion", d.MinimumVersion != 0, Str(d.MinimumVersion));
            Optional(w, "HasNeeded", d.Needed is not null, "true");
            if (k == 0)
            {
                string priority = spec.PriorityName is { } named
                    ? KnownTypes.MigrationPriority + "." + named
                    : $"({KnownTypes.MigrationPriority}){Str(spec.Priority)}";
                Optional(w, "Priority", spec.Priority != 0, priority);
                Optional(w, "Unmigratable", spec.Unmigratable, "true");
                Optional(w, "EarlySetup", spec.EarlySetup, "true");
                Optional(w, "DeviceType", spec.DeviceType is not null, Lit(spec.DeviceType ?? ""));
                Optional(w, "DeviceTypes", spec.DeviceTypes.Count > 0, $"{KnownTypes.ImmutableArray}.Create({string.Join(", ", spec.DeviceTypes.Select(Lit))})");
                Optional(w, "ExplicitDumpSize", spec.DumpSize != 0, Str(spec.DumpSize));
            }

            if (d.Fields.Count == 0)
            {
                w.Line($"Fields = {KnownTypes.ImmutableArray}<{KnownTypes.VmStateFieldDescription}>.Empty,");
            }
            else
            {
                w.Line($"Fields = {KnownTypes.ImmutableArray}.Create<{KnownTypes.VmStateFieldDescription}>(");
                w.Indent();
                for (int i = 0; i < d.Fields.Count; i++)
                {
                    w.Line(FieldMetadata(d.Fields[i]) + (i + 1 < d.Fields.Count ? "," : "),"));
                }

                w.Outdent();
            }

            int[] children = ds.Children(k);
            if (children.Length == 0)
            {
                return;
            }

            w.Line($"Subsections = {KnownTypes.ImmutableArray}.Create<{KnownTypes.VmStateDescription}>(");
            w.Indent();
            for (int j = 0; j < children.Length; j++)
            {
                w.Line($"new {KnownTypes.VmStateDescription}");
                w.Line("{");
                w.Indent();
                DescriptionMetadata(w, ds, children[j]);
                w.Outdent();
                w.Line("}" + (j + 1 < children.Length ? "," : "),"));
            }

            w.Outdent();
        }

        private static void Optional(SourceWriter w, string property, bool present, string value)
        {
            if (present)
            {
                w.Line($"{property} = {value},");
            }
        }

        // The type name of the layouts that are not a codec's comes from the kind, as the runtime defaults it.
        private static string FieldMetadata(FieldSpec f)
        {
            Layout layout = LayoutOf(f);
            var parts = new List<string> { "Name = " + Lit(f.Name) };
            void Add(bool present, string part)
            {
                if (present)
                {
                    parts.Add(part);
                }
            }

            bool value = layout is Layout.Value or Layout.ValueArray;
            string size = value ? CodecSize(f)
                : layout is Layout.Buffer or Layout.Padding && f.Shape != FieldShape.Variable ? Str(f.Length)
                : "0";
            Add(f.Since != 0, "Version = " + Str(f.Since));
            Add(f.Exists is not null, "HasExists = true");
            Add(f.Kind != FieldKind.Value, $"Kind = {KnownTypes.VmStateFieldKind}.{f.Kind}");
            Add(value, "TypeName = " + TypeName(f));
            Add(size != "0", "Size = " + size);
            Add(layout is Layout.ValueArray or Layout.StructArray && f.Shape == FieldShape.Fixed, "Length = " + Str(f.Length));
            Add(f.Shape == FieldShape.Variable, "CountField = " + Lit(f.CountName ?? f.CountMember ?? ""));
            Add(f.Start != 0, "Start = " + Str(f.Start));
            Add(f.FormerName is not null, "FormerName = " + Lit(f.FormerName ?? ""));
            Add(layout is Layout.Struct or Layout.StructArray or Layout.Tmp, $"Nested = {f.ElementType}.VmStateDescription");
            return $"new {KnownTypes.VmStateFieldDescription} {{ {string.Join(", ", parts)} }}";
        }
    }
}
