using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        private static void EmitLoad(SourceWriter w, Descriptions ds, int k)
        {
            DescriptionSpec d = ds[k];
            string ver = Str(d.Version);
            string min = Str(d.MinimumVersion);
            int[] children = ds.Children(k);
            w.Open($"private void {ds.LoadMethod(k)}(ref {KnownTypes.VmStateReader} reader, int versionId)");
            string outOfRange = d.Version == d.MinimumVersion ? $"versionId != {ver}" : $"versionId > {ver} || versionId < {min}";
            w.Line($"if ({outOfRange}) {KnownTypes.GeneratedThrow}.VersionOutOfRange(versionId, {ver}, {min}, reader.Position);");
            Hook(w, d.PreLoad, "pre-load", load: true, "reader.Position", "versionId");
            Marks marks = Marks.ForLoad(d.Fields.Count);
            marks.Declare(w);
            if (marks.Any)
            {
                w.Open("try");
                for (int i = 0; i < d.Fields.Count; i++)
                {
                    if (RunLength(d, i) is int run and > 0)
                    {
                        LoadRun(w, ds, d, marks, i, run);
                        i += run - 1;
                        continue;
                    }

                    marks.Field(w, i);
                    LoadField(w, ds, d.Fields[i]);
                }

                w.Close();
                Catch(w, ds, k, marks, []);
            }

            if (children.Length > 0)
            {
                // The stream says which subsection comes next; QEMU's rules decide which of them are this description's.
                string index = children.Length > 1 ? "out int __sub" : "out _";
                w.Line("int __next = 0;");
                w.Open($"while ({KnownTypes.VmStateSubsections}.TryReadHeader(ref reader, {Lit(d.Name)}, {ds.SubsectionNames(k)}, ref __next, {index}, out int __subVersion))");
                w.Open("try");
                if (children.Length == 1)
                {
                    w.Line($"{ds.LoadMethod(children[0])}(ref reader, __subVersion);");
                }
                else
                {
                    w.Open("switch (__sub)");
                    for (int j = 0; j < children.Length; j++)
                    {
                        w.Line($"case {Str(j)}: {ds.LoadMethod(children[j])}(ref reader, __subVersion); break;");
                    }

                    w.Close();
                }

                w.Close();
                w.Open($"catch ({KnownTypes.VmStateException} __e)");
                w.Lines($"""
                    __e.PrependSubsection({(children.Length > 1 ? ds.SubsectionSuffixes(k) + "[__sub]" : Lit(ds.Suffix(children[0])))});
                    throw;
                    """);
                w.Close();
                w.Close();
            }

            Hook(w, d.PostLoad, "post-load", load: true, "reader.Position", "versionId");
            w.Close();
        }

        private static void LoadField(SourceWriter w, Descriptions ds, FieldSpec f)
        {
            Layout layout = LayoutOf(f);
            if (layout == Layout.Check)
            {
                w.Line($"if (!{Call(f.Exists!, "versionId")}) {KnownTypes.GeneratedThrow}.ValidationFailed(true, reader.Position);");
                return;
            }

            string? condition = f.Exists is not null ? Call(f.Exists, "versionId")
                : f.Since > 0 ? "versionId >= " + Str(f.Since)
                : null;
            if (condition is not null)
            {
                w.Open($"if ({condition})");
            }

            if (f.ErrorHint is { } hint)
            {
                // A failed check carries the field's hint (QEMU's err_hint); the filter adds it and catches nothing.
                var inner = new SourceWriter();
                LoadLayout(inner, ds, f, layout);
                string body = inner.ToString().TrimEnd('\n');
                string filter = $"catch ({KnownTypes.VmStateException} __e) when (__e.AddHint({Lit(hint)})) {{ throw; }}";
                if (body.IndexOf('\n') < 0)
                {
                    w.Lines($$"""
                        try { {{body}} }
                        {{filter}}
                        """);
                }
                else
                {
                    w.Open("try");
                    w.Lines(body);
                    w.Close();
                    w.Line(filter);
                }
            }
            else
            {
                LoadLayout(w, ds, f, layout);
            }

            if (condition is not null)
            {
                w.Close();
                if (f.Exists is null && f.DefaultExpression is not null)
                {
                    // The stream predates the field: it takes its declared default rather than keeping stale state.
                    w.Open("else");
                    ResetLayout(w, ds, f, f.DefaultExpression);
                    w.Close();
                }
            }
        }

        private static void LoadLayout(SourceWriter w, Descriptions ds, FieldSpec f, Layout layout)
        {
            string m = Member(f, "reader.Position");
            string version = Str(f.NestedVersion);
            switch (layout)
            {
                case Layout.Padding:
                    w.Line($"reader.Skip({Str(f.Length)});");
                    break;
                case Layout.Buffer:
                    w.Line($"reader.ReadBytes({LoadSpan(w, ds, f, "1")});");
                    break;
                case Layout.Value when !f.IsProperty && f.CastTo is null:
                    w.Line($"{f.Codec}.Load(ref reader, ref {m});");
                    break;
                case Layout.Value:
                    // A property or an enum goes through a local of the codec's type.
                    string value = ds.Local(f);
                    w.Lines($"""
                        {WireType(f)} {value} = {Cast(f, m)};
                        {f.Codec}.Load(ref reader, ref {value});
                        """);
                    if (f.CanWrite)
                    {
                        w.Line($"{m} = {BackCast(f)}{value};");
                    }

                    break;
                case Layout.ValueArray:
                    w.Line($"{KnownTypes.CodecArrays}.Load<{f.Codec}, {WireType(f)}>(ref reader, {WireSpan(f, LoadSpan(w, ds, f, CodecSize(f)))});");
                    break;
                case Layout.Struct when f.ElementIsValueType && f.IsProperty:
                    string copy = ds.Local(f);
                    w.Lines($"""
                        var {copy} = {m};
                        {copy}.LoadVmState(ref reader, {version});
                        {m} = {copy};
                        """);
                    break;
                case Layout.Struct:
                    w.Line($"{LoadTarget(f, m)}.LoadVmState(ref reader, {version});");
                    break;
                case Layout.StructArray:
                    string items = ds.Local(f);
                    w.Line($"var {items} = {LoadSpan(w, ds, f, "1")};");
                    ElementLoop(w, items, $"{LoadTarget(f, items + "[__i]")}.LoadVmState(ref reader, {version});");
                    break;
                case Layout.Tmp:
                    string tmp = ds.Local(f);
                    w.Lines($"""
                        var {tmp} = {(f.ElementIsValueType ? m : LoadTarget(f, m))};
                        {tmp}.LoadVmState(ref reader, {version});
                        """);
                    // A class passes itself by ref through a local: 'this' of a class is not a variable.
                    w.Lines(ds.Spec.IsValueType
                        ? $"{tmp}.ToParent(ref this);"
                        : $"""
                            var {ds.Local(f, "Parent")} = this;
                            {tmp}.ToParent(ref {ds.Local(f, "Parent")});
                            """);
                    if (f.ElementIsValueType && f.CanWrite)
                    {
                        w.Line($"{m} = {tmp};");
                    }

                    break;
            }
        }

        /// <summary>
        /// Writes what the span of elements to fill needs first (storage, the count) and returns the span. Existing
        /// storage is reused; only a missing or short array is replaced.
        /// </summary>
        private static string LoadSpan(SourceWriter w, Descriptions ds, FieldSpec f, string elementSize)
        {
            string m = Member(f, "reader.Position");
            string start = Str(f.Start);
            if (f.Shape != FieldShape.Variable)
            {
                if (f.CanWrite)
                {
                    w.Line($"{m} ??= new {f.ElementType}[{Str(f.Start + f.Length)}];");
                }

                return $"{KnownTypes.VmStateSpans}.ForLoad({m}, {start}, {Str(f.Length)}, reader.Position)";
            }

            string count = ds.Local(f, "Count");
            w.Line($"int {count} = {KnownTypes.VmStateSpans}.Count(this.{f.CountMember}, reader.Position);");
            if (!f.CanWrite)
            {
                w.Line($"reader.EnsureAvailable({count}, {elementSize});");
                return $"{KnownTypes.VmStateSpans}.ForLoad({m}, {start}, {count}, reader.Position)";
            }

            string array = ds.Local(f, "Array");
            w.Lines($"""
                var {array} = {KnownTypes.VmStateSpans}.EnsureForLoad({m}, {start}, {count}, {elementSize}, ref reader);
                {m} = {array};
                """);
            // Qualified: the consumer may have no 'using System;' (no implicit usings).
            return $"{KnownTypes.MemoryExtensions}.AsSpan({array}, {start}, {count})";
        }
    }
}
