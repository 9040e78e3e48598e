using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        private static void EmitSave(SourceWriter w, TypeSpec spec, int k)
        {
            DescriptionSpec d = Description(spec, k);
            string ver = Str(d.Version);
            w.Open($"private void {SaveMethod(spec, k)}(ref {KnownTypes.VmStateWriter} writer)");
            Hook(w, d.PreSave, "pre-save", load: false, "writer.Position", ver);
            w.Lines("""
                int __field = -1;
                int __index = -1;
                """);
            if (d.PostSave is { } postSave)
            {
                if (postSave.ReturnsBool)
                {
                    w.Line("bool __saved = false;");
                }

                w.Open("try");
            }

            w.Open("try");
            for (int i = 0; i < d.Fields.Count; i++)
            {
                w.Line($"__field = {Str(i)};");
                SaveField(w, d.Fields[i], ver);
            }

            int[] children = Children(spec, k);
            for (int j = 0; j < children.Length; j++)
            {
                DescriptionSpec sub = Description(spec, children[j]);
                // A rollback snapshot sets SaveAllSubsections so that every subsection field is captured.
                w.Open(sub.Needed is { } needed ? $"if (writer.SaveAllSubsections || {Call(needed, Str(sub.Version))})" : "");
                w.Lines($"""
                    __field = {Str(-2 - j)};
                    writer.WriteBytes({SubsectionHeader(children[j])});
                    {SaveMethod(spec, children[j])}(ref writer);
                    """);
                w.Close();
            }

            w.Line("__field = -1;");
            w.Close();
            Catch(w, spec, k);
            if (d.PostSave is { } post)
            {
                if (post.ReturnsBool)
                {
                    w.Line("__saved = true;");
                }

                w.Close();
                w.Open("finally");
                // QEMU reports a post-save failure only when the save itself went through.
                w.Line(post.ReturnsBool
                    ? $"if (!{Call(post, ver)} && __saved) {KnownTypes.GeneratedThrow}.HookFailed(\"post-save\", false, writer.Position);"
                    : Call(post, ver) + ";");
                w.Close();
            }

            w.Close();
        }

        private static void SaveField(SourceWriter w, FieldSpec f, string ver)
        {
            Layout layout = LayoutOf(f);
            if (layout == Layout.Check)
            {
                w.Line($"if (!{Call(f.Exists!, ver)}) {KnownTypes.GeneratedThrow}.ValidationFailed(false, writer.Position);");
                return;
            }

            if (f.Exists is { } exists)
            {
                w.Open($"if ({Call(exists, ver)})");
            }

            string m = Member(f);
            switch (layout)
            {
                case Layout.Padding:
                    w.Line($"writer.WriteZeros({Str(f.Length)});");
                    break;
                case Layout.Buffer:
                    w.Line($"writer.WriteBytes({SaveSpan(f)});");
                    break;
                case Layout.Value:
                    w.Line($"{f.Codec}.Save(ref writer, {Cast(f, m)});");
                    break;
                case Layout.ValueArray:
                    w.Line($"{KnownTypes.CodecArrays}.Save<{f.Codec}, {WireType(f)}>(ref writer, {WireSpan(f, SaveSpan(f))});");
                    break;
                case Layout.Struct:
                    w.Line($"{SaveTarget(f, m, f.IsProperty)}.SaveVmState(ref writer);");
                    break;
                case Layout.StructArray:
                    w.Lines($$"""
                        {
                            var __a = {{SaveSpan(f)}};
                            for (int __i = 0; __i < __a.Length; __i++)
                            {
                                __index = __i;
                                {{SaveTarget(f, "__a[__i]", property: false)}}.SaveVmState(ref writer);
                            }
                            __index = -1;
                        }
                        """);
                    break;
                case Layout.Tmp:
                    w.Lines($$"""
                        {
                            var __t = {{SaveTarget(f, m, property: false)}};
                            __t.FromParent(this);
                            __t.SaveVmState(ref writer);
                        }
                        """);
                    break;
            }

            if (f.Exists is not null)
            {
                w.Close();
            }
        }

        // The filter leaves errors raised outside any field untouched; the path grows as the error leaves nested
        // descriptions, so the hot path pays only for the __field stores.
        private static void Catch(SourceWriter w, TypeSpec spec, int k)
        {
            w.Open($"catch ({KnownTypes.VmStateException} __e) when (__field != -1)");
            w.Lines(Children(spec, k).Length > 0
                ? $"""
                    if (__field >= 0) __e.PrependField({FieldNames(k)}[__field], __index);
                    else __e.PrependSubsection({SubsectionSuffixes(k)}[-2 - __field]);
                    """
                : $"__e.PrependField({FieldNames(k)}[__field], __index);");
            w.Line("throw;");
            w.Close();
        }
    }
}
