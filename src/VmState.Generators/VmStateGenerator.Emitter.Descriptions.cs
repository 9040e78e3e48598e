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
        /// <summary>
        /// A type's descriptions by number (0 is its own, k &gt; 0 is <c>Subsections[k - 1]</c>), their tree, and the
        /// names of the methods and tables each one gets: <c>SaveFields</c> for the type's own, and
        /// <c>SaveSubsection_mit_state</c> for <c>e1000/mit_state</c>.
        /// </summary>
        private sealed class Descriptions
        {
            // Roles of the locals a field may need besides the plain one; see Local.
            private static readonly string[] Roles = ["", "Count", "Array", "Size", "Compressible", "Parent"];

            // Locals the emitter declares whatever the fields are.
            private static readonly HashSet<string> FixedLocals = new(System.StringComparer.Ordinal)
            {
                "__field", "__e", "__i", "__j", "__s", "__sub", "__subVersion", "__size", "__saved", "__subsections",
            };

            private readonly string[] _ids;
            private readonly int[][] _children;
            private readonly Dictionary<string, string> _locals = new(System.StringComparer.Ordinal);

            public Descriptions(TypeSpec spec)
            {
                Spec = spec;
                Count = spec.Subsections.Count + 1;
                _children = new int[Count][];
                for (int k = 0; k < Count; k++)
                {
                    string? name = k == 0 ? null : spec.Subsections[k - 1].Name;
                    _children[k] = Enumerable.Range(1, spec.Subsections.Count).Where(s => spec.Subsections[s - 1].Parent == name).ToArray();
                }

                _ids = new string[Count];
                var taken = new HashSet<string>(System.StringComparer.Ordinal);
                for (int k = 1; k < Count; k++)
                {
                    string id = Identifier(Relative(spec.Subsections[k - 1].Name, spec.Description.Name));
                    string unique = id;
                    for (int n = 2; !taken.Add(unique); n++)
                    {
                        unique = id + "_" + Str(n);
                    }

                    _ids[k] = unique;
                }

                NameLocals();
            }

            public TypeSpec Spec { get; }

            public int Count { get; }

            public DescriptionSpec this[int k] => k == 0 ? Spec.Description : Spec.Subsections[k - 1];

            /// <summary>The numbers of the direct subsections of <paramref name="k"/>, in wire order.</summary>
            public int[] Children(int k) => _children[k];

            /// <summary>A subsection's name as an error path shows it: without its parent's name and the slash.</summary>
            public string Suffix(int k) => Relative(this[k].Name, this[k].Parent ?? Spec.Description.Name);

            public string SaveMethod(int k) => k == 0 ? "SaveFields" : "SaveSubsection_" + _ids[k];

            public string LoadMethod(int k) => k == 0 ? "LoadFields" : "LoadSubsection_" + _ids[k];

            public string DescribeMethod(int k) => k == 0 ? "DescribeFields" : "DescribeSubsection_" + _ids[k];

            public string FieldNames(int k) => Table("__fieldNames", k);

            public string SubsectionNames(int k) => Table("__subsectionNames", k);

            public string SubsectionSuffixes(int k) => Table("__subsectionSuffixes", k);

            public string Header(int k) => "__subsectionHeader_" + _ids[k];

            /// <summary>
            /// A local for field <paramref name="f"/> in role <paramref name="role"/> (one of <see cref="Roles"/>), named
            /// after its member (<c>__points</c>, <c>__pointsCount</c>) so that fields need no blocks of their own.
            /// </summary>
            public string Local(FieldSpec f, string role = "") => _locals[LocalKey(f)] + role;

            // A member with several fields (itself, paths into it, slices of it) has locals per field: a reset
            // declares one per field in the same scope.
            private static string LocalKey(FieldSpec f) => (f.MemberName ?? "") + f.Path + (f.Start > 0 ? "@" + Str(f.Start) : "");

            // A member's locals are __member + role; should two members' names meet (Points' count and a member
            // PointsCount, say), those members number theirs instead, which letters and digits alone never spell.
            private void NameLocals()
            {
                string[] members = Enumerable.Range(0, Count).SelectMany(k => this[k].Fields)
                    .Where(f => f.MemberName is not null).Select(LocalKey).Distinct().ToArray();
                var owners = new Dictionary<string, int>(System.StringComparer.Ordinal);
                var clash = new bool[members.Length];
                for (int i = 0; i < members.Length; i++)
                {
                    foreach (string role in Roles)
                    {
                        string name = Plain(members[i]) + role;
                        if (FixedLocals.Contains(name))
                        {
                            clash[i] = true;
                        }
                        else if (owners.TryGetValue(name, out int other) && other != i)
                        {
                            clash[i] = clash[other] = true;
                        }
                        else
                        {
                            owners[name] = i;
                        }
                    }
                }

                for (int i = 0; i < members.Length; i++)
                {
                    _locals[members[i]] = clash[i] ? "__m" + Str(i) + "_" : Plain(members[i]);
                }
            }

            private static string Plain(string member)
            {
                string safe = new string(member.Where(char.IsLetterOrDigit).ToArray());
                return "__" + (safe.Length == 0 ? "x" : char.ToLowerInvariant(safe[0]) + safe.Substring(1));
            }

            private string Table(string name, int k) => k == 0 ? name : name + "_" + _ids[k];

            private static string Relative(string name, string parent) =>
                name.StartsWith(parent, System.StringComparison.Ordinal) ? name.Substring(parent.Length).TrimStart('/') : name;

            private static string Identifier(string name)
            {
                var sb = new StringBuilder(name.Length);
                foreach (char c in name)
                {
                    sb.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? c : '_');
                }

                return sb.Length == 0 ? "_" : sb.ToString();
            }
        }

        // The tables error paths and the subsection loader read, and each subsection's header.
        private static void EmitStatics(SourceWriter w, Descriptions ds)
        {
            for (int k = 0; k < ds.Count; k++)
            {
                // One field names itself with a literal; the table is for telling several apart.
                if (ds[k].Fields.Count > 1)
                {
                    string names = string.Join(", ", ds[k].Fields.Select(f => Lit(f.VmDescriptionName)));
                    w.Line($"private static readonly string[] {ds.FieldNames(k)} = new string[] {{ {names} }};");
                }

                // Each description looks only for its own subsections on load, as QEMU's loader does.
                int[] children = ds.Children(k);
                if (children.Length > 0)
                {
                    string names = string.Join(", ", children.Select(s => Lit(ds[s].Name)));
                    w.Line($"private static readonly string[] {ds.SubsectionNames(k)} = new string[] {{ {names} }};");
                }

                if (children.Length > 1)
                {
                    string suffixes = string.Join(", ", children.Select(s => Lit(ds.Suffix(s))));
                    w.Line($"private static readonly string[] {ds.SubsectionSuffixes(k)} = new string[] {{ {suffixes} }};");
                }
            }

            for (int k = 1; k < ds.Count; k++)
            {
                // Marker, counted name and be32 version: constant bytes, so the span points into the assembly's data
                // and saving a header allocates nothing.
                DescriptionSpec sub = ds[k];
                byte[] name = Encoding.UTF8.GetBytes(sub.Name);
                var bytes = new List<string> { $"(byte){KnownTypes.QemuSectionType}.Subsection", Hex((byte)name.Length) };
                bytes.AddRange(name.Select(Hex));
                bytes.AddRange(new[] { sub.Version >> 24, sub.Version >> 16, sub.Version >> 8, sub.Version }.Select(b => Hex((byte)b)));
                w.Line($"private static {KnownTypes.ReadOnlySpan}<byte> {ds.Header(k)} => new byte[] {{ {string.Join(", ", bytes)} }};");
            }
        }

        private static string Hex(byte b) => "0x" + b.ToString("x2", CultureInfo.InvariantCulture);
    }
}
