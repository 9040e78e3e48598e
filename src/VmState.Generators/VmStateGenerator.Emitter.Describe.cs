using System.Text;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        // VMDESCRIPTION, QEMU's self-description of the stream: what each description's save writes now, and how big.
        private static void EmitDescribe(SourceWriter w, TypeSpec spec, int k)
        {
            DescriptionSpec d = Description(spec, k);
            string ver = Str(d.Version);
            w.Open($"private int {DescribeMethod(spec, k)}({KnownTypes.VmDescriptionWriter}? json)");
            w.Lines($"""
                int __size = 0;
                json?.String("vmsd_name", {Lit(d.Name)});
                json?.Number("version", {ver});
                json?.BeginArray("fields");
                """);
            foreach (FieldSpec f in d.Fields)
            {
                DescribeField(w, f, ver);
            }

            w.Line("json?.EndArray();");
            int[] children = Children(spec, k);
            if (children.Length > 0)
            {
                w.Line("bool __subs = false;");
                foreach (int s in children)
                {
                    DescriptionSpec sub = Description(spec, s);
                    // The header: marker, counted name and be32 version.
                    int header = 2 + Encoding.UTF8.GetByteCount(sub.Name) + 4;
                    w.Open(sub.Needed is { } needed ? $"if ({Call(needed, Str(sub.Version))})" : "");
                    w.Lines($$"""
                        if (!__subs) { json?.BeginArray("subsections"); __subs = true; }
                        json?.BeginObject();
                        __size += {{Str(header)}} + {{DescribeMethod(spec, s)}}(json);
                        json?.EndObject();
                        """);
                    w.Close();
                }

                w.Line("if (__subs) json?.EndArray();");
            }

            w.Line("return __size;");
            w.Close();
        }

        private static void DescribeField(SourceWriter w, FieldSpec f, string ver)
        {
            Layout layout = LayoutOf(f);
            if (layout == Layout.Check)
            {
                return;
            }

            string m = Member(f);
            string name = Lit(f.VmDescriptionName);
            bool guarded = f.Exists is not null;
            if (f.Exists is { } exists)
            {
                w.Open($"if ({Call(exists, ver)})");
            }

            switch (layout)
            {
                case Layout.Padding:
                    w.Lines($"""
                        json?.Field({name}, {LayoutTypeName(f)}, {Str(f.Length)});
                        __size += {Str(f.Length)};
                        """);
                    break;
                case Layout.Buffer:
                    w.Lines($$"""
                        {
                            int __n = {{SaveCount(f)}};
                            json?.Field({{name}}, {{LayoutTypeName(f)}}, __n);
                            __size += __n;
                        }
                        """);
                    break;
                case Layout.Value:
                    w.Lines($"""
                        json?.Field({name}, {CodecTypeName(f)}, {CodecSize(f)});
                        __size += {CodecSize(f)};
                        """);
                    break;
                case Layout.ValueArray:
                    w.Line($"__size += {KnownTypes.VmDescriptionWriter}.Values(json, {name}, {CodecTypeName(f)}, {CodecSize(f)}, {SaveCount(f)}, {Bool(!guarded)});");
                    break;
                case Layout.Struct:
                    w.Lines($$"""
                        {
                            var __o = {{SaveTarget(f, m, property: false)}};
                            json?.BeginField({{name}}, {{LayoutTypeName(f)}});
                            json?.BeginObject("struct");
                            int __s = __o.DescribeVmState(json);
                            json?.EndObject();
                            json?.EndField(__s);
                            __size += __s;
                        }
                        """);
                    break;
                case Layout.StructArray:
                    // QEMU describes an array by its first element when every element must look alike.
                    string compressible = guarded ? "false" : f.ElementType + ".VmStateDescription.IsCompressible";
                    w.Lines($$"""
                        {
                            var __a = {{SaveSpan(f)}};
                            bool __c = {{compressible}};
                            for (int __i = 0; __i < __a.Length; __i++)
                            {
                                var __j = __c && __i > 0 ? null : json;
                                __j?.BeginField({{name}}, {{LayoutTypeName(f)}}, __a.Length, __c ? -1 : __i);
                                __j?.BeginObject("struct");
                                int __s = {{SaveTarget(f, "__a[__i]", property: false)}}.DescribeVmState(__j);
                                __j?.EndObject();
                                __j?.EndField(__s);
                                __size += __s;
                            }
                        }
                        """);
                    break;
                case Layout.Tmp:
                    w.Lines($$"""
                        {
                            var __t = {{SaveTarget(f, m, property: false)}};
                            __t.FromParent(this);
                            json?.BeginField({{name}}, {{LayoutTypeName(f)}});
                            int __s = __t.DescribeVmState(json);
                            json?.EndField(__s);
                            __size += __s;
                        }
                        """);
                    break;
            }

            if (guarded)
            {
                w.Close();
            }
        }
    }
}
