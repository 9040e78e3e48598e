using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        private static void EmitLoad(SourceWriter w, TypeSpec spec, int k)
        {
            DescriptionSpec d = Description(spec, k);
            string ver = Str(d.Version);
            string min = Str(d.MinimumVersion);
            w.Open($"private void {LoadMethod(spec, k)}(ref {KnownTypes.VmStateReader} reader, int versionId)");
            w.Line($"if (versionId > {ver} || versionId < {min}) {KnownTypes.GeneratedThrow}.VersionOutOfRange(versionId, {ver}, {min}, reader.Position);");
            Hook(w, d.PreLoad, "pre-load", load: true, "reader.Position", "versionId");
            w.Lines("""
                int __field = -1;
                int __index = -1;
                """);
            w.Open("try");
            for (int i = 0; i < d.Fields.Count; i++)
            {
                w.Line($"__field = {Str(i)};");
                LoadField(w, spec, d.Fields[i]);
            }

            w.Line("__field = -1;");
            int[] children = Children(spec, k);
            if (children.Length > 0)
            {
                w.Open($"while ({KnownTypes.VmStateSubsections}.TryReadHeader(ref reader, {Lit(d.Name)}, {SubsectionNames(k)}, out int __sub, out int __subVersion))");
                w.Line("__field = -2 - __sub;");
                w.Open("switch (__sub)");
                for (int j = 0; j < children.Length; j++)
                {
                    w.Line($"case {Str(j)}: {LoadMethod(spec, children[j])}(ref reader, __subVersion); break;");
                }

                w.Close();
                w.Line("__field = -1;");
                w.Close();
            }

            w.Close();
            Catch(w, spec, k);
            Hook(w, d.PostLoad, "post-load", load: true, "reader.Position", "versionId");
            w.Close();
        }

        private static void LoadField(SourceWriter w, TypeSpec spec, FieldSpec f)
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

            if (f.ErrorHint is not null)
            {
                w.Open("try");
            }

            LoadLayout(w, spec, f, layout);
            if (f.ErrorHint is not null)
            {
                // A failed check carries the field's hint (QEMU's err_hint); the filter adds it and catches nothing.
                w.Close();
                w.Line($"catch ({KnownTypes.VmStateException} __h) when (__h.AddHint({Lit(f.ErrorHint)})) {{ throw; }}");
            }

            if (condition is not null)
            {
                w.Close();
                if (f.Exists is null && f.DefaultExpression is not null)
                {
                    // The stream predates the field: it takes its declared default rather than keeping stale state.
                    w.Open("else");
                    w.Line(f.Shape == FieldShape.Single
                        ? $"{Member(f)} = {f.DefaultExpression};"
                        : $"if ({Member(f)} is {{ }} __d) {KnownTypes.VmStateSpans}.Reset(__d, {Str(f.Start)}, {ResetCount(f)}, {f.DefaultExpression});");
                    w.Close();
                }
            }
        }

        private static void LoadLayout(SourceWriter w, TypeSpec spec, FieldSpec f, Layout layout)
        {
            string m = Member(f);
            string version = Str(f.NestedVersion);
            switch (layout)
            {
                case Layout.Padding:
                    w.Line($"reader.Skip({Str(f.Length)});");
                    break;
                case Layout.Buffer:
                    w.Open();
                    LoadStorage(w, f, "1");
                    w.Line("reader.ReadBytes(__a);");
                    w.Close();
                    break;
                case Layout.Value when !f.IsProperty && f.CastTo is null:
                    w.Line($"{f.Codec}.Load(ref reader, ref {m});");
                    break;
                case Layout.Value:
                    // A property or an enum goes through a local of the codec's type.
                    w.Open();
                    w.Lines($"""
                        {WireType(f)} __v = {Cast(f, m)};
                        {f.Codec}.Load(ref reader, ref __v);
                        """);
                    if (f.CanWrite)
                    {
                        w.Line($"{m} = {BackCast(f)}__v;");
                    }

                    w.Close();
                    break;
                case Layout.ValueArray:
                    w.Open();
                    LoadStorage(w, f, CodecSize(f));
                    w.Line($"{KnownTypes.CodecArrays}.Load<{f.Codec}, {WireType(f)}>(ref reader, {WireSpan(f, "__a")});");
                    w.Close();
                    break;
                case Layout.Struct when f.ElementIsValueType && f.IsProperty:
                    w.Lines($$"""
                        {
                            var __s = {{m}};
                            __s.LoadVmState(ref reader, {{version}});
                            {{m}} = __s;
                        }
                        """);
                    break;
                case Layout.Struct:
                    w.Line($"{LoadTarget(f, m)}.LoadVmState(ref reader, {version});");
                    break;
                case Layout.StructArray:
                    w.Open();
                    LoadStorage(w, f, "1");
                    w.Lines($$"""
                        for (int __i = 0; __i < __a.Length; __i++)
                        {
                            __index = __i;
                            {{LoadTarget(f, "__a[__i]")}}.LoadVmState(ref reader, {{version}});
                        }
                        __index = -1;
                        """);
                    w.Close();
                    break;
                case Layout.Tmp:
                    w.Open();
                    w.Lines($"""
                        var __t = {(f.ElementIsValueType ? m : LoadTarget(f, m))};
                        __t.LoadVmState(ref reader, {version});
                        """);
                    w.Lines(spec.IsValueType
                        ? "__t.ToParent(ref this);"
                        : """
                            var __p = this;
                            __t.ToParent(ref __p);
                            """);
                    if (f.ElementIsValueType && f.CanWrite)
                    {
                        w.Line($"{m} = __t;");
                    }

                    w.Close();
                    break;
            }
        }

        // Declares __a: the span to fill. Existing storage is reused; only a missing or short array is replaced.
        private static void LoadStorage(SourceWriter w, FieldSpec f, string elementSize)
        {
            string m = Member(f);
            string start = Str(f.Start);
            if (f.Shape != FieldShape.Variable)
            {
                if (f.CanWrite)
                {
                    w.Line($"{m} ??= new {f.ElementType}[{Str(f.Start + f.Length)}];");
                }

                w.Line($"var __a = {KnownTypes.VmStateSpans}.ForLoad({m}, {start}, {Str(f.Length)}, reader.Position);");
                return;
            }

            w.Line($"int __n = {KnownTypes.VmStateSpans}.Count(this.{f.CountMember}, reader.Position);");
            // Qualified: the consumer may have no 'using System;' (no implicit usings).
            w.Lines(f.CanWrite
                ? $"""
                    var __arr = {KnownTypes.VmStateSpans}.EnsureForLoad({m}, {start}, __n, {elementSize}, ref reader);
                    {m} = __arr;
                    var __a = {KnownTypes.MemoryExtensions}.AsSpan(__arr, {start}, __n);
                    """
                : $"""
                    reader.EnsureAvailable(__n, {elementSize});
                    var __a = {KnownTypes.VmStateSpans}.ForLoad({m}, {start}, __n, reader.Position);
                    """);
        }
    }
}
