using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        // ResetVmState: every field of every description to its declared default (zero where none is declared).
        private static void EmitReset(SourceWriter w, TypeSpec spec)
        {
            w.Line("/// <inheritdoc/>");
            w.Line(GeneratedCode);
            w.Open("public void ResetVmState()");
            for (int k = 0; k <= spec.Subsections.Count; k++)
            {
                foreach (FieldSpec f in Description(spec, k).Fields)
                {
                    ResetField(w, f);
                }
            }

            w.Close();
        }

        private static void ResetField(SourceWriter w, FieldSpec f)
        {
            string m = Member(f);
            string value = f.DefaultExpression ?? "default";
            string r = "__r" + Safe(f);
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
                    w.Line($"if ({m} is {{ }} {r}) {KnownTypes.VmStateSpans}.Reset({r}, {Str(f.Start)}, {ResetCount(f)}, {value});");
                    break;
                case Layout.Struct when !f.ElementIsValueType:
                    w.Line($"{m}?.ResetVmState();");
                    break;
                case Layout.Struct when !f.IsProperty:
                    w.Line($"{m}.ResetVmState();");
                    break;
                case Layout.Struct when f.CanWrite:
                    w.Line($"{{ var __s = {m}; __s.ResetVmState(); {m} = __s; }}");
                    break;
                case Layout.StructArray:
                    w.Lines($$"""
                        if ({{m}} is { } {{r}})
                        {
                            int __end = (int){{KnownTypes.Math}}.Min((long){{r}}.Length, {{Str(f.Start)}}L + {{ResetCount(f)}});
                            for (int __i = {{Str(f.Start)}}; __i < __end; __i++) {{r}}[__i]{{(f.ElementIsValueType ? "" : "?")}}.ResetVmState();
                        }
                        """);
                    break;
            }
        }
    }
}
