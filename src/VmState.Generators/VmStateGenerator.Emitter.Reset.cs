using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        // ResetVmState: every field of every description to its declared default (zero where none is declared).
        private static void EmitReset(SourceWriter w, Descriptions ds)
        {
            w.Lines($"""
                /// <inheritdoc/>
                {GeneratedCode}
                """);
            w.Open("public void ResetVmState()");
            for (int k = 0; k < ds.Count; k++)
            {
                foreach (FieldSpec f in ds[k].Fields)
                {
                    ResetLayout(w, ds, f, f.DefaultExpression ?? "default");
                }
            }

            w.Close();
        }

        // Also what a load does to a field the stream predates.
        private static void ResetLayout(SourceWriter w, Descriptions ds, FieldSpec f, string value)
        {
            string m = Member(f);
            // Padding and checks have no member, so no local either.
            string local = f.MemberName is null ? "" : ds.Local(f);
            switch (LayoutOf(f))
            {
                case Layout.Value:
                    // A codec over a reference type (a config space array, say) fills it in place: keep the storage.
                    if (f.CanWrite && f.ElementIsValueType)
                    {
                        w.Line($"{m} = {value};");
                    }

                    break;
                case Layout.ValueArray:
                case Layout.Buffer:
                    string count = f.Shape == FieldShape.Variable ? "int.MaxValue" : Str(f.Length);
                    w.Line($"if ({m} is {{ }} {local}) {KnownTypes.VmStateSpans}.Reset({local}, {Str(f.Start)}, {count}, {value});");
                    break;
                case Layout.Struct when !f.ElementIsValueType:
                    w.Line($"{m}?.ResetVmState();");
                    break;
                case Layout.Struct when !f.IsProperty:
                    w.Line($"{m}.ResetVmState();");
                    break;
                case Layout.Struct when f.CanWrite:
                    w.Lines($"""
                        var {local} = {m};
                        {local}.ResetVmState();
                        {m} = {local};
                        """);
                    break;
                case Layout.StructArray:
                    // The slice, clamped to the array.
                    string end = f.Shape == FieldShape.Variable
                        ? local + ".Length"
                        : $"{KnownTypes.Math}.Min({local}.Length, {Str(f.Start + f.Length)})";
                    w.Lines($$"""
                        if ({{m}} is { } {{local}})
                        {
                            for (int __i = {{Str(f.Start)}}; __i < {{end}}; __i++) {{local}}[__i]{{(f.ElementIsValueType ? "" : "?")}}.ResetVmState();
                        }
                        """);
                    break;
            }
        }
    }
}
