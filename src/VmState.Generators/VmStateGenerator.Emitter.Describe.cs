using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        // VMDESCRIPTION, QEMU's self-description of the stream: what the matching save writes now, and how many bytes.
        // The type's own description writes members into an open object; a subsection writes its whole entry of the
        // parent's "subsections" array, and counts its header as its save writes it.
        private static void EmitDescribe(SourceWriter w, Descriptions ds, int k)
        {
            DescriptionSpec d = ds[k];
            string ver = Str(d.Version);
            w.Open($"private int {ds.DescribeMethod(k)}({KnownTypes.VmDescriptionWriter}? json)");
            if (k > 0)
            {
                w.Line("json?.BeginObject();");
            }

            w.Lines($"""
                json?.String("vmsd_name", {Lit(d.Name)});
                json?.Number("version", {ver});
                json?.BeginArray("fields");
                int __size = {(k > 0 ? ds.Header(k) + ".Length" : "0")};
                """);
            foreach (FieldSpec f in d.Fields)
            {
                DescribeField(w, ds, f, ver);
            }

            w.Line("json?.EndArray();");
            DescribeSubsections(w, ds, k);
            if (k > 0)
            {
                w.Line("json?.EndObject();");
            }

            w.Line("return __size;");
            w.Close();
        }

        // The "subsections" array opens with the first subsection the save writes. Which one that is, is known here
        // until the first Needed test; after it a flag tells.
        private static void DescribeSubsections(SourceWriter w, Descriptions ds, int k)
        {
            const string Begin = "json?.BeginArray(\"subsections\");";
            bool? open = false;
            foreach (int s in ds.Children(k))
            {
                DescriptionSpec sub = ds[s];
                string describe = $"__size += {ds.DescribeMethod(s)}(json);";
                if (sub.Needed is { } needed)
                {
                    if (open == false)
                    {
                        w.Line("bool __subsections = false;");
                        open = null;
                    }

                    w.Open($"if ({Call(needed, Str(sub.Version))})");
                    if (open is null)
                    {
                        w.Line($"if (!__subsections) {{ {Begin} __subsections = true; }}");
                    }

                    w.Line(describe);
                    w.Close();
                    continue;
                }

                if (open == false)
                {
                    w.Line(Begin);
                }
                else if (open is null)
                {
                    w.Line($"if (!__subsections) {Begin}");
                }

                w.Line(describe);
                open = true;
            }

            if (open == true)
            {
                w.Line("json?.EndArray();");
            }
            else if (open is null)
            {
                w.Line("if (__subsections) json?.EndArray();");
            }
        }

        private static void DescribeField(SourceWriter w, Descriptions ds, FieldSpec f, string ver)
        {
            Layout layout = LayoutOf(f);
            if (layout == Layout.Check)
            {
                return;
            }

            if (f.Exists is { } exists)
            {
                w.Open($"if ({Call(exists, ver)})");
            }

            string m = Member(f);
            string name = Lit(f.VmDescriptionName);
            bool compressible = f.Exists is null;
            switch (layout)
            {
                // Values and bytes: one entry (or one per element), the type and size of one element.
                case Layout.Value:
                    w.Line(Values(f, name, CodecSize(f), "1", compressible: true));
                    break;
                case Layout.ValueArray:
                    w.Line(Values(f, name, CodecSize(f), SaveCount(f), compressible));
                    break;
                case Layout.Buffer:
                    w.Line(Values(f, name, SaveCount(f), "1", compressible: true));
                    break;
                case Layout.Padding:
                    w.Line(Values(f, name, Str(f.Length), "1", compressible: true));
                    break;
                case Layout.Struct:
                    // A class must exist before its entry is opened, as its save needs it.
                    string target = m;
                    if (!f.ElementIsValueType)
                    {
                        target = ds.Local(f);
                        w.Line($"var {target} = {SaveTarget(f, m, property: false)};");
                    }

                    NestedEntry(w, "json", $"{name}, {TypeName(f)}", ds.Local(f, "Size"), target, inStruct: true);
                    break;
                case Layout.StructArray:
                    string items = ds.Local(f);
                    string element = SaveTarget(f, items + "[__i]", property: false);
                    w.Line($"var {items} = {SaveSpan(f)};");
                    if (compressible)
                    {
                        // QEMU describes an array by its first element when every element must look alike.
                        string flag = ds.Local(f, "Compressible");
                        w.Line($"bool {flag} = {f.ElementType}.VmStateDescription.IsCompressible;");
                        w.Open($"for (int __i = 0; __i < {items}.Length; __i++)");
                        w.Line($"var __j = {flag} && __i > 0 ? null : json;");
                        NestedEntry(w, "__j", $"{name}, {TypeName(f)}, {items}.Length, {flag} ? -1 : __i", "__s", element, inStruct: true);
                    }
                    else
                    {
                        w.Open($"for (int __i = 0; __i < {items}.Length; __i++)");
                        NestedEntry(w, "json", $"{name}, {TypeName(f)}, {items}.Length, __i", "__s", element, inStruct: true);
                    }

                    w.Close();
                    break;
                case Layout.Tmp:
                    string tmp = ds.Local(f);
                    w.Lines($"""
                        var {tmp} = {SaveTarget(f, m, property: false)};
                        {tmp}.FromParent(this);
                        """);
                    NestedEntry(w, "json", $"{name}, {TypeName(f)}", ds.Local(f, "Size"), tmp, inStruct: false);
                    break;
            }

            if (f.Exists is not null)
            {
                w.Close();
            }
        }

        private static string Values(FieldSpec f, string name, string size, string count, bool compressible) =>
            $"__size += {KnownTypes.VmDescriptionWriter}.Values(json, {name}, {TypeName(f)}, {size}, {count}, {Bool(compressible)});";

        // One field entry around a nested description (a struct's inside a "struct" object, a tmp's fields inline),
        // closed with the size the nested description reports.
        private static void NestedEntry(SourceWriter w, string json, string fieldArguments, string size, string target, bool inStruct)
        {
            w.Line($"{json}?.BeginField({fieldArguments});");
            if (inStruct)
            {
                w.Line($"{json}?.BeginObject(\"struct\");");
            }

            w.Line($"int {size} = {target}.DescribeVmState({json});");
            if (inStruct)
            {
                w.Line($"{json}?.EndObject();");
            }

            w.Lines($"""
                {json}?.EndField({size});
                __size += {size};
                """);
        }
    }
}
