using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        private static void EmitSave(SourceWriter w, Descriptions ds, int k)
        {
            DescriptionSpec d = ds[k];
            string ver = Str(d.Version);
            int[] children = ds.Children(k);
            Marks marks = Marks.ForSave(d.Fields.Count, children.Length);
            w.Open($"private void {ds.SaveMethod(k)}(ref {KnownTypes.VmStateWriter} writer)");
            if (k > 0)
            {
                // QEMU writes a subsection's header before its pre-save hook runs.
                w.Line($"writer.WriteBytes({ds.Header(k)});");
            }

            Hook(w, d.PreSave, "pre-save", load: false, "writer.Position", ver);
            bool saved = d.PostSave is { ReturnsBool: true } && marks.Any;
            if (saved)
            {
                w.Line("bool __saved = false;");
            }

            marks.Declare(w);
            if (marks.Any)
            {
                w.Open("try");
            }

            for (int i = 0; i < d.Fields.Count; i++)
            {
                marks.Field(w, i);
                if (RunLength(d, i) is int run and > 0)
                {
                    SaveRun(w, d, i, run);
                    i += run - 1;
                    continue;
                }

                SaveField(w, ds, d.Fields[i], ver);
            }

            for (int j = 0; j < children.Length; j++)
            {
                DescriptionSpec sub = ds[children[j]];
                if (sub.Needed is { } needed)
                {
                    // A rollback snapshot sets SaveAllSubsections so that every subsection field is captured.
                    w.Open($"if (writer.SaveAllSubsections || {Call(needed, Str(sub.Version))})");
                }

                marks.Subsection(w, j);
                w.Line($"{ds.SaveMethod(children[j])}(ref writer);");
                if (sub.Needed is not null)
                {
                    w.Close();
                }
            }

            if (saved)
            {
                w.Line("__saved = true;");
            }

            if (marks.Any)
            {
                w.Close();
                Catch(w, ds, k, marks, children);
            }

            if (d.PostSave is { } post)
            {
                // QEMU runs post-save after a failed save too, and reports its failure only when the save went through.
                string call = post.ReturnsBool
                    ? $"if (!{Call(post, ver)}{(saved ? " && __saved" : "")}) {KnownTypes.GeneratedThrow}.HookFailed(\"post-save\", false, writer.Position);"
                    : Call(post, ver) + ";";
                if (marks.Any)
                {
                    w.Open("finally");
                    w.Line(call);
                    w.Close();
                }
                else
                {
                    w.Line(call);
                }
            }

            w.Close();
        }

        private static void SaveField(SourceWriter w, Descriptions ds, FieldSpec f, string ver)
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
                    string items = ds.Local(f);
                    w.Line($"var {items} = {SaveSpan(f)};");
                    ElementLoop(w, items, $"{SaveTarget(f, items + "[__i]", property: false)}.SaveVmState(ref writer);");
                    break;
                case Layout.Tmp:
                    string tmp = ds.Local(f);
                    w.Lines($"""
                        var {tmp} = {SaveTarget(f, m, property: false)};
                        {tmp}.FromParent(this);
                        {tmp}.SaveVmState(ref writer);
                        """);
                    break;
            }

            if (f.Exists is not null)
            {
                w.Close();
            }
        }

        // An element's index joins the error path through the filter (as a codec's array loop does), which catches nothing.
        private static void ElementLoop(SourceWriter w, string items, string statement) => w.Lines($$"""
            for (int __i = 0; __i < {{items}}.Length; __i++)
            {
                try { {{statement}} }
                catch ({{KnownTypes.VmStateException}} __e) when (__e.AtElement(__i)) { throw; }
            }
            """);

        // The path grows as the error leaves nested descriptions: a field's name, or a subsection's, in front.
        private static void Catch(SourceWriter w, Descriptions ds, int k, Marks marks, int[] children)
        {
            DescriptionSpec d = ds[k];
            string? field = d.Fields.Count switch
            {
                0 => null,
                1 => $"__e.PrependField({Lit(d.Fields[0].VmDescriptionName)}, -1);",
                _ => $"__e.PrependField({ds.FieldNames(k)}[__field], -1);",
            };
            string? subsection = children.Length switch
            {
                0 => null,
                1 => $"__e.PrependSubsection({Lit(ds.Suffix(children[0]))});",
                _ => $"__e.PrependSubsection({ds.SubsectionSuffixes(k)}[-2 - __field]);",
            };
            w.Open($"catch ({KnownTypes.VmStateException} __e)" + (marks.Filtered ? " when (__field != -1)" : ""));
            if (field is not null && subsection is not null)
            {
                w.Lines($"""
                    if (__field >= 0) {field}
                    else {subsection}
                    """);
            }
            else
            {
                w.Line(field ?? subsection!);
            }

            w.Line("throw;");
            w.Close();
        }
    }
}
