using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        // A type's descriptions by number: 0 is its own, k > 0 is Subsections[k - 1]. Each gets its own methods and
        // tables, named here.

        private static DescriptionSpec Description(TypeSpec spec, int k) => k == 0 ? spec.Description : spec.Subsections[k - 1];

        /// <summary>The numbers of the direct subsections of description <paramref name="k"/>, in wire order.</summary>
        private static int[] Children(TypeSpec spec, int k)
        {
            string? name = k == 0 ? null : spec.Subsections[k - 1].Name;
            return Enumerable.Range(0, spec.Subsections.Count).Where(s => spec.Subsections[s].Parent == name).Select(s => s + 1).ToArray();
        }

        private static string SaveMethod(TypeSpec spec, int k) => "__SaveBody" + Str(k);

        private static string LoadMethod(TypeSpec spec, int k) => "__LoadBody" + Str(k);

        private static string DescribeMethod(TypeSpec spec, int k) => "__DescribeBody" + Str(k);

        private static string FieldNames(int k) => "__vmsFields" + Str(k);

        // The type's own description keeps the unsuffixed names, so single-level output reads as before.
        private static string SubsectionNames(int k) => "__vmsSubsections" + (k == 0 ? "" : Str(k));

        private static string SubsectionSuffixes(int k) => "__vmsSubsectionSuffixes" + (k == 0 ? "" : Str(k));

        private static string SubsectionHeader(int k) => "__VmsSubsectionHeader" + Str(k - 1);

        /// <summary>A subsection's name as an error path shows it: without its parent's name and the slash.</summary>
        private static string Suffix(TypeSpec spec, int k)
        {
            DescriptionSpec sub = spec.Subsections[k - 1];
            string parent = sub.Parent ?? spec.Description.Name;
            return sub.Name.Substring(parent.Length).TrimStart('/');
        }

        private static void EmitStatics(SourceWriter w, TypeSpec spec)
        {
            for (int k = 0; k <= spec.Subsections.Count; k++)
            {
                string names = string.Join(", ", Description(spec, k).Fields.Select(f => Lit(f.VmDescriptionName)));
                w.Line($"private static readonly string[] {FieldNames(k)} = new string[] {{ {names} }};");
            }

            if (spec.Subsections.Count == 0)
            {
                return;
            }

            for (int k = 0; k <= spec.Subsections.Count; k++)
            {
                // Each description looks only for its own subsections on load, as QEMU's loader does.
                int[] children = Children(spec, k);
                if (children.Length == 0)
                {
                    continue;
                }

                string names = string.Join(", ", children.Select(s => Lit(Description(spec, s).Name)));
                string suffixes = string.Join(", ", children.Select(s => Lit(Suffix(spec, s))));
                w.Lines($$"""
                    private static readonly string[] {{SubsectionNames(k)}} = new string[] { {{names}} };
                    private static readonly string[] {{SubsectionSuffixes(k)}} = new string[] { {{suffixes}} };
                    """);
            }

            for (int k = 1; k <= spec.Subsections.Count; k++)
            {
                // Marker, counted name and be32 version: a constant span, so saving a subsection header allocates nothing.
                DescriptionSpec sub = Description(spec, k);
                byte[] name = Encoding.UTF8.GetBytes(sub.Name);
                var bytes = new List<byte> { 0x05, (byte)name.Length };
                bytes.AddRange(name);
                bytes.Add((byte)(sub.Version >> 24));
                bytes.Add((byte)(sub.Version >> 16));
                bytes.Add((byte)(sub.Version >> 8));
                bytes.Add((byte)sub.Version);
                string hex = string.Join(", ", bytes.Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture)));
                w.Line($"private static {KnownTypes.ReadOnlySpan}<byte> {SubsectionHeader(k)} => new byte[] {{ {hex} }};");
            }
        }
    }
}
