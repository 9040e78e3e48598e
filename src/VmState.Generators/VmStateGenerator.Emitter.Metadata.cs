using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        // The description as run-time metadata (VmStateDescription): for schemas, -dump-vmstate and checks.
        private static void EmitMetadata(SourceWriter w, TypeSpec spec)
        {
            w.Open("private static class __VmStateMetadata");
            w.Line($"internal static readonly {KnownTypes.VmStateDescription} Description = new {KnownTypes.VmStateDescription}");
            w.Open();
            DescriptionMetadata(w, spec, 0);
            w.Close(";");
            w.Close();
        }

        private static void DescriptionMetadata(SourceWriter w, TypeSpec spec, int k)
        {
            DescriptionSpec d = Description(spec, k);
            w.Lines($"""
                Name = {Lit(d.Name)},
                Version = {Str(d.Version)},
                MinimumVersion = {Str(d.MinimumVersion)},
                HasNeeded = {Bool(d.Needed is not null)},
                """);
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

            if (k == 0)
            {
                w.Lines($"""
                    Priority = ({KnownTypes.MigrationPriority}){Str(spec.Priority)},
                    Unmigratable = {Bool(spec.Unmigratable)},
                    EarlySetup = {Bool(spec.EarlySetup)},
                    DeviceType = {(spec.DeviceType is null ? "null" : Lit(spec.DeviceType))},
                    ExplicitDumpSize = {Str(spec.DumpSize)},
                    """);
            }

            int[] children = Children(spec, k);
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
                DescriptionMetadata(w, spec, children[j]);
                w.Outdent();
                w.Line("}" + (j + 1 < children.Length ? "," : "),"));
            }

            w.Outdent();
        }

        private static string FieldMetadata(FieldSpec f)
        {
            Layout layout = LayoutOf(f);
            string typeName = layout is Layout.Value or Layout.ValueArray ? CodecTypeName(f) : LayoutTypeName(f);
            string size = layout switch
            {
                Layout.Value or Layout.ValueArray => CodecSize(f),
                Layout.Buffer or Layout.Padding => f.Shape == FieldShape.Variable ? "0" : Str(f.Length),
                _ => "0",
            };
            string length = layout is Layout.ValueArray or Layout.StructArray && f.Shape == FieldShape.Fixed ? Str(f.Length) : "null";
            string countField = f.Shape == FieldShape.Variable ? Lit(f.CountName ?? f.CountMember ?? "") : "null";
            string nested = layout is Layout.Struct or Layout.StructArray or Layout.Tmp ? f.ElementType + ".VmStateDescription" : "null";
            return $"new {KnownTypes.VmStateFieldDescription} {{ Name = {Lit(f.Name)}, Version = {Str(f.Since)}, HasExists = {Bool(f.Exists is not null)}, " +
                $"Kind = {KnownTypes.VmStateFieldKind}.{f.Kind}, TypeName = {typeName}, Size = {size}, Length = {length}, " +
                $"CountField = {countField}, Start = {Str(f.Start)}, Nested = {nested} }}";
        }
    }
}
