using System.Collections.Generic;
using System.Linq;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// How many fields from <paramref name="i"/> on form a run of plain fixed-size values (no test, no version
        /// gate the minimum version does not settle, no hint): 0 when fewer than two do. A run is written into one span
        /// the writer hands out, and read from one the reader hands out, at constant offsets, as hand-written code
        /// would; the writer's or reader's bookkeeping then runs once per run instead of once per field.
        /// </summary>
        private static int RunLength(DescriptionSpec d, int i)
        {
            int n = 0;
            while (i + n < d.Fields.Count && InRun(d, d.Fields[i + n]))
            {
                n++;
            }

            return n >= 2 ? n : 0;
        }

        private static bool InRun(DescriptionSpec d, FieldSpec f) =>
            LayoutOf(f) == Layout.Value && f.FixedCodec && f.Exists is null && f.ErrorHint is null && f.Access is null
            && f.Since <= d.MinimumVersion && (!f.IsProperty || f.CanWrite);

        // The offsets of a run's fields and its total, as constants where the sizes are known, else as Codec.Size sums.
        private static (List<string> Offsets, string Total) RunLayout(DescriptionSpec d, int i, int n)
        {
            var offsets = new List<string>();
            int known = 0;
            var unknown = new List<string>();
            for (int k = 0; k < n; k++)
            {
                offsets.Add(Offset(known, unknown));
                FieldSpec f = d.Fields[i + k];
                if (f.ValueSize is int size)
                {
                    known += size;
                }
                else
                {
                    unknown.Add(f.Codec + ".Size");
                }
            }

            return (offsets, Offset(known, unknown));
        }

        private static string Offset(int known, List<string> unknown) =>
            unknown.Count == 0 ? Str(known) : string.Join(" + ", new[] { Str(known) }.Concat(unknown));

        private static void SaveRun(SourceWriter w, DescriptionSpec d, int i, int n)
        {
            (List<string> offsets, string total) = RunLayout(d, i, n);
            string run = "__run" + Str(i);
            w.Line($"{KnownTypes.Span}<byte> {run} = writer.Take({total});");
            for (int k = 0; k < n; k++)
            {
                FieldSpec f = d.Fields[i + k];
                string at = offsets[k] == "0" ? run : $"{run}[({offsets[k]})..]";
                w.Line($"{f.Codec}.Put({at}, {Cast(f, Member(f))});");
            }
        }

        // The run's bytes in one piece when they are all in the reader's span; else field by field, so that a short
        // input fails naming the exact field and offset.
        private static void LoadRun(SourceWriter w, Descriptions ds, DescriptionSpec d, Marks marks, int i, int n)
        {
            (List<string> offsets, string total) = RunLayout(d, i, n);
            string run = "__run" + Str(i);
            w.Open($"if (reader.TryTake({total}, out {KnownTypes.ReadOnlySpan}<byte> {run}))");
            for (int k = 0; k < n; k++)
            {
                FieldSpec f = d.Fields[i + k];
                string at = offsets[k] == "0" ? run : $"{run}[({offsets[k]})..]";
                w.Line($"{Member(f, "reader.Position")} = {BackCast(f)}{f.Codec}.Get({at});");
            }

            w.Close();
            w.Open("else");
            for (int k = 0; k < n; k++)
            {
                marks.Field(w, i + k);
                LoadField(w, ds, d.Fields[i + k]);
            }

            w.Close();
        }
    }
}
