using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VmState.Generators.Tests.Compatibility.Mutations;

/// <summary>
/// The mutations of the sample machine's devices that <see cref="MutationDifferentialTests"/> builds: each kind of
/// change a device goes through between releases, applied to members picked by a fixed seed from every description
/// that has one (e1000, cpu, cpu_common, their subsections, and the nested structs such as segment and PCIDevice),
/// plus the breaks <c>check</c> cannot see and the safe evolutions, written out where no seeded pick fits. Picks
/// depend only on the seed and the sources, so a run is repeatable, and an edit of the devices changes only which
/// members are picked.
/// </summary>
internal static class MutationCatalog
{
    /// <summary>The seed of every pick (issue 10, proof 2).</summary>
    public const int Seed = 1002;

    // The machine's own devices; every seeded kind picks from each of them, then from some nested structs.
    private static readonly string[] Devices = ["E1000Nic", "X86Cpu", "CpuCommon"];

    // Scalar types by their size on the wire, and a type of another size that an assignment still accepts.
    private static readonly Dictionary<string, (int Size, string Wider, string Narrower, string SameSize)> Scalars = new(StringComparer.Ordinal)
    {
        ["byte"] = (1, "ushort", "", "sbyte"),
        ["sbyte"] = (1, "short", "", "byte"),
        ["ushort"] = (2, "uint", "byte", "short"),
        ["short"] = (2, "int", "sbyte", "ushort"),
        ["uint"] = (4, "ulong", "ushort", "int"),
        ["int"] = (4, "long", "short", "uint"),
        ["ulong"] = (8, "", "uint", "long"),
        ["long"] = (8, "", "int", "ulong"),
    };

    /// <summary>Every mutation, in a fixed order.</summary>
    public static List<DeviceMutation> Create(DeviceSources s)
    {
        List<DeviceMutation> all =
        [
            .. Reorders(s, Random(MutationKind.Reorder)),
            .. Retypes(s, Random(MutationKind.Retype)),
            .. Removals(s, Random(MutationKind.Remove)),
            .. Additions(s, Random(MutationKind.Add)),
            .. Renames(s, Random(MutationKind.Rename)),
            .. ArrayResizes(s, Random(MutationKind.ResizeArray)),
            .. SubsectionChanges(s, Random(MutationKind.Subsection)),
            .. VersionChanges(s),
            .. SinceChanges(s, Random(MutationKind.Since)),
            .. ExistsChanges(s, Random(MutationKind.Exists)),
            .. UnusedChanges(s),
            .. EnumAndCountChanges(s),
            .. StructSizeChanges(s),
        ];
        return all;
    }

    private static Random Random(MutationKind kind) => new(Seed * 100 + (int)kind);

    private static IEnumerable<DeviceMutation> Reorders(DeviceSources s, Random r)
    {
        // Two neighbours of one description swap places (both in one file, and of different names).
        var pairs = new List<(MigratedMember A, MigratedMember B)>();
        foreach (var scope in s.Members.GroupBy(m => (m.Owner, m.Subsection)))
        {
            List<MigratedMember> list = [.. scope];
            for (int i = 0; i + 1 < list.Count; i++)
            {
                if (list[i].File == list[i + 1].File && list[i].FieldName != list[i + 1].FieldName)
                {
                    pairs.Add((list[i], list[i + 1]));
                }
            }
        }

        foreach ((MigratedMember a, MigratedMember b) in Spread(r, pairs, p => p.A.Owner, nested: 2))
        {
            yield return new DeviceMutation($"reorder {a.Label} after {b.FieldName}", MutationKind.Reorder, Expectation.VisibleBreak, "VMS0103",
            [
                new SourceEdit(a.File, a.Declaration.Span, DeviceSources.Text(b.Declaration)),
                new SourceEdit(b.File, b.Declaration.Span, DeviceSources.Text(a.Declaration)),
            ]);
        }
    }

    private static IEnumerable<DeviceMutation> Retypes(DeviceSources s, Random r)
    {
        // A field of another size: any size where only its declaration names the member, else a wider one where
        // the member is only ever assigned to, so the sources still compile.
        var sized = new List<(MigratedMember Member, string To)>();
        var same = new List<(MigratedMember Member, string To)>();
        foreach (MigratedMember m in s.Members.Where(IsPlainScalarField))
        {
            var t = Scalars[m.Type.ToString()];
            bool free = s.IsReferencedOnlyByItsDeclaration(m);
            string to = free && t.Narrower.Length > 0 && (t.Wider.Length == 0 || r.Next(2) == 0) ? t.Narrower
                : free || s.IsOnlyAssigned(m) ? t.Wider
                : "";
            if (to.Length > 0)
            {
                sized.Add((m, to));
            }

            if (free)
            {
                same.Add((m, t.SameSize));
            }
        }

        foreach ((MigratedMember m, string to) in Spread(r, sized, x => x.Member.Owner, nested: 3))
        {
            yield return new DeviceMutation($"retype {m.Label} {m.Type} -> {to}", MutationKind.Retype, Expectation.VisibleBreak, "VMS0104",
                [DeviceSources.Replace(m.File, m.Type, to)]);
        }

        // A change of sign keeps the size: the wire is the same.
        foreach ((MigratedMember m, string to) in Spread(r, same, x => x.Member.Owner, nested: 0))
        {
            yield return new DeviceMutation($"retype {m.Label} {m.Type} -> {to} (same size)", MutationKind.Retype, Expectation.Safe, null,
                [DeviceSources.Replace(m.File, m.Type, to)]);
        }
    }

    private static IEnumerable<DeviceMutation> Removals(DeviceSources s, Random r)
    {
        // The member stays (other code uses it); only its [VmStateField] goes, so it is no longer migrated. A
        // description keeps at least one field.
        List<MigratedMember> removable = [.. s.Members.Where(m => s.Scope(m.Owner, m.Subsection).Count > 1)];
        foreach (MigratedMember m in Spread(r, removable, m => m.Owner, nested: 2))
        {
            yield return new DeviceMutation($"remove {m.Label}", MutationKind.Remove, Expectation.VisibleBreak, "VMS0103", [RemoveFieldAttribute(m)]);
        }

        // The documented way to drop a value: the same number of unused bytes in its place.
        List<MigratedMember> scalars = [.. s.Members.Where(m => Scalars.ContainsKey(m.Type.ToString()) && m.Argument("Exists") is null && m.Argument("Since") is null)];
        foreach (MigratedMember m in Spread(r, scalars, m => m.Owner, nested: 1))
        {
            string subsection = m.Argument("Subsection") is { } sub ? ", Subsection = " + sub.Expression : "";
            string size = Str(Scalars[m.Type.ToString()].Size);
            yield return new DeviceMutation($"replace {m.Label} by {size} unused bytes", MutationKind.Remove, Expectation.Safe, null,
                [DeviceSources.Replace(m.File, m.Attribute, $"Unused({size}{subsection})")]);
        }
    }

    private static IEnumerable<DeviceMutation> Additions(DeviceSources s, Random r)
    {
        // Where a field can go: each description of each type (main list or subsection) that has fields.
        List<(DescribedType Type, string? Subsection)> scopes = [.. s.Members.Select(m => (m.Owner, m.Subsection)).Distinct()];
        (DescribedType, string?) ScopeOf(string type) => Pick(r, scopes.Where(x => x.Type.TypeName == type).ToList());

        foreach (string device in Devices)
        {
            var (type, sub) = ScopeOf(device);
            yield return Add(s, type, sub, r, atEnd: true, since: null, bump: false, Expectation.HiddenBreak, "VMS0105", "without Since");
        }

        foreach (string device in Devices)
        {
            var (type, sub) = ScopeOf(device);
            yield return Add(s, type, sub, r, atEnd: false, since: null, bump: false, Expectation.VisibleBreak, "VMS0105", "without Since");
        }

        foreach (string device in new[] { "X86Cpu", "E1000Nic" })
        {
            var (type, sub) = ScopeOf(device);
            int version = VersionOf(s, type, sub);
            yield return Add(s, type, sub, r, atEnd: true, since: version, bump: false, Expectation.HiddenBreak, "VMS0105", $"with Since = {version} (shipped)");
        }

        // The safe way: a version bump, and the new field only from there on, after the shipped ones.
        foreach (string device in Devices)
        {
            var (type, sub) = ScopeOf(device);
            int version = VersionOf(s, type, sub) + 1;
            yield return Add(s, type, sub, r, atEnd: true, since: version, bump: true, Expectation.Safe, null, $"with Since = {version} and the version bump");
        }

        // A nested struct is loaded at its own current version, never the stream's, so Since cannot protect a new
        // field there: old streams lack its bytes whatever the versions say.
        DescribedType segment = s.Type("SegmentCache");
        yield return Add(s, segment, null, r, atEnd: true, since: VersionOf(s, segment, null) + 1, bump: true, Expectation.HiddenBreak, "VMS0105",
            "with Since and the version bump of the nested struct");
    }

    private static DeviceMutation Add(DeviceSources s, DescribedType type, string? subsection, Random r, bool atEnd, int? since, bool bump, Expectation expect, string? rule, string how)
    {
        List<MigratedMember> scope = s.Scope(type, subsection);
        MigratedMember at = atEnd ? scope[^1] : scope[r.Next(scope.Count)];
        var args = new List<string>();
        if (since is int v)
        {
            args.Add("Since = " + Str(v));
        }

        if (at.Argument("Subsection") is { } sub)
        {
            args.Add("Subsection = " + sub.Expression);
        }

        string member = $"\n    [VmStateField(\"mutant_added\"{string.Concat(args.Select(a => ", " + a))})]\n    public uint MutantAdded;\n";
        var edits = new List<SourceEdit>
        {
            atEnd ? DeviceSources.Insert(at.File, at.Declaration.FullSpan.End, member) : DeviceSources.Insert(at.File, at.Declaration.FullSpan.Start, member.TrimStart('\n') + "\n"),
        };
        if (bump)
        {
            edits.Add(SetVersion(s, type, subsection, VersionOf(s, type, subsection) + 1));
        }

        string where = atEnd ? "at the end of " + at.Scope : $"before {at.Label}";
        return new DeviceMutation($"add a field {where} {how}", MutationKind.Add, expect, rule, [.. edits]);
    }

    private static IEnumerable<DeviceMutation> Renames(DeviceSources s, Random r)
    {
        // Same place, same size, another name.
        List<MigratedMember> unique = [.. s.Members.Where(m => s.Scope(m.Owner, m.Subsection).Count(x => x.FieldName == m.FieldName) == 1
            && m.Attribute.ArgumentList!.Arguments[0].Expression is LiteralExpressionSyntax)];
        foreach (MigratedMember m in Spread(r, unique, m => m.Owner, nested: 2))
        {
            yield return new DeviceMutation($"rename {m.Label} to {m.FieldName}_renamed", MutationKind.Rename, Expectation.Rename, "VMS0108",
                [DeviceSources.Replace(m.File, m.Attribute.ArgumentList!.Arguments[0].Expression, Quote(m.FieldName + "_renamed"))]);
        }

        // The same, with the shipped name recorded.
        foreach (MigratedMember m in Spread(r, unique, m => m.Owner, nested: 1).Where(m => m.Owner.TypeName != "CpuCommon"))
        {
            yield return new DeviceMutation($"rename {m.Label} to {m.FieldName}_renamed with FormerName", MutationKind.Rename, Expectation.RecordedRename, null,
            [
                DeviceSources.Replace(m.File, m.Attribute.ArgumentList!.Arguments[0].Expression, Quote(m.FieldName + "_renamed")),
                DeviceSources.SetArgument(m.File, m.Attribute, "FormerName", Quote(m.FieldName)),
            ]);
        }

        // Only the C# name changes; the schema and the wire do not.
        MigratedMember free = Pick(r, s.Members.Where(m => m.Declaration is FieldDeclarationSyntax && s.IsReferencedOnlyByItsDeclaration(m)).ToList());
        var variable = ((FieldDeclarationSyntax)free.Declaration).Declaration.Variables[0];
        yield return new DeviceMutation($"rename the C# member of {free.Label}", MutationKind.Rename, Expectation.Safe, null,
            [new SourceEdit(free.File, variable.Identifier.Span, variable.Identifier.Text + "Renamed")]);
    }

    private static IEnumerable<DeviceMutation> ArrayResizes(DeviceSources s, Random r)
    {
        // The element count changes. A byte buffer's count is its size, which check compares; an array's is "num",
        // which it does not.
        List<MigratedMember> arrays = [.. s.Members.Where(m => m.Argument("Length") is not null && m.Argument("Count") is null)];
        List<MigratedMember> picked = Spread(r, arrays, m => m.Owner, nested: 2);
        if (!picked.Any(IsBuffer))
        {
            picked.Add(Pick(r, arrays.Where(IsBuffer).ToList()));
        }

        foreach (MigratedMember m in picked)
        {
            ExpressionSyntax length = m.Argument("Length")!.Expression;
            bool buffer = IsBuffer(m);
            bool grow = r.Next(2) == 0;
            yield return new DeviceMutation($"{(grow ? "grow" : "shrink")} {(buffer ? "buffer" : "array")} {m.Label} from Length = {length}", MutationKind.ResizeArray,
                buffer ? Expectation.VisibleBreak : Expectation.HiddenBreak, "VMS0104",
                [DeviceSources.Replace(m.File, length, $"{length} {(grow ? "+" : "-")} 1")]);
        }
    }

    private static IEnumerable<DeviceMutation> SubsectionChanges(DeviceSources s, Random r)
    {
        // Leaves only (a nested subsection's name must start with its parent's), named through a constant.
        var leaves = new List<(DescribedType Type, string Name, AttributeSyntax Attribute)>();
        foreach (DescribedType t in s.Types)
        {
            foreach ((string name, AttributeSyntax a) in t.Subsections)
            {
                bool hasChildren = t.Subsections.Values.Any(c => c.ArgumentList!.Arguments.Any(x => x.NameEquals?.Name.Identifier.Text == "Parent"
                    && x.Expression.ToString() == a.ArgumentList!.Arguments[0].Expression.ToString()));
                if (!hasChildren && a.ArgumentList!.Arguments[0].Expression is IdentifierNameSyntax)
                {
                    leaves.Add((t, name, a));
                }
            }
        }

        foreach (var (type, name, a) in Spread(r, leaves, x => x.Type, nested: 1))
        {
            string constant = ((IdentifierNameSyntax)a.ArgumentList!.Arguments[0].Expression).Identifier.Text;
            LiteralExpressionSyntax literal = ConstantLiteral(type, constant);
            yield return new DeviceMutation($"rename subsection {name}", MutationKind.Subsection, Expectation.VisibleBreak, "VMS0106",
                [DeviceSources.Replace(type.File, literal, Quote(name + "_renamed"))]);
        }

        foreach (var (type, name, a) in Spread(r, leaves, x => x.Type, nested: 0).Take(2))
        {
            yield return new DeviceMutation($"drop subsection {name}", MutationKind.Subsection, Expectation.VisibleBreak, "VMS0106", [.. DropSubsection(s, type, name, a)]);
        }

        var (lowType, lowName, lowAttribute) = Pick(r, leaves.Where(l => l.Type.TypeName == "X86Cpu").ToList());
        yield return new DeviceMutation($"lower subsection {lowName} to version 0", MutationKind.Subsection, Expectation.VisibleBreak, "VMS0101",
            [DeviceSources.SetArgument(lowType.File, lowAttribute, "Version", "0")]);

        var (upType, upName, upAttribute) = Pick(r, leaves.Where(l => l.Type.TypeName == "E1000Nic").ToList());
        yield return new DeviceMutation($"raise subsection {upName} to version 2 alone", MutationKind.Subsection, Expectation.Safe, null,
            [DeviceSources.SetArgument(upType.File, upAttribute, "Version", "2")]);

        // QEMU's advice: new state in a new subsection that is only sent when needed.
        foreach (string device in Devices)
        {
            yield return NewSubsection(s.Type(device));
        }

        // A field that changes lists: gone from where it shipped, new where it arrives.
        MigratedMember main = Pick(r, s.Members.Where(m => m.Owner.TypeName == "CpuCommon" && m.Subsection is null).ToList());
        (string targetName, AttributeSyntax target) = s.Type("CpuCommon").Subsections.First();
        yield return new DeviceMutation($"move {main.Label} into subsection {targetName}", MutationKind.Subsection, Expectation.VisibleBreak, "VMS0103",
            [DeviceSources.SetArgument(main.File, main.Attribute, "Subsection", target.ArgumentList!.Arguments[0].Expression.ToString())]);

        MigratedMember sub = Pick(r, s.Members.Where(m => m.Owner.TypeName == "E1000Nic" && m.Subsection is not null && s.Scope(m.Owner, m.Subsection).Count > 1).ToList());
        yield return new DeviceMutation($"move {sub.Label} out of its subsection", MutationKind.Subsection, Expectation.VisibleBreak, "VMS0105",
            [DeviceSources.RemoveArgument(sub.File, sub.Attribute, "Subsection")]);
    }

    private static DeviceMutation NewSubsection(DescribedType type)
    {
        string name = type.Description + "/mutant_state";
        TypeDeclarationSyntax part = type.Parts.First(p => p.AttributeLists.Any(l => l.Attributes.Contains(type.Attribute)));
        AttributeListSyntax list = part.AttributeLists.First(l => l.Attributes.Contains(type.Attribute));
        string members = $$"""

                [VmStateField("mutant_value", Subsection = "{{name}}")]
                public uint MutantValue;

                [Needed("{{name}}")]
                private bool IsMutantStateNeeded() => MutantValue != 0;

            """;
        return new DeviceMutation($"add subsection {name} with a Needed test", MutationKind.Subsection, Expectation.Safe, null,
        [
            DeviceSources.Insert(type.File, list.Span.End, $"\n[Subsection(\"{name}\", Version = 1)]"),
            DeviceSources.Insert(type.File, part.OpenBraceToken.Span.End, members),
        ]);
    }

    // The subsection's declaration, its fields' [VmStateField] and the hooks named after it go; the members stay.
    private static IEnumerable<SourceEdit> DropSubsection(DeviceSources s, DescribedType type, string name, AttributeSyntax declaration)
    {
        yield return DeviceSources.Remove(type.File, (AttributeListSyntax)declaration.Parent!);
        foreach (MigratedMember m in s.Scope(type, name))
        {
            yield return RemoveFieldAttribute(m);
        }

        string constant = declaration.ArgumentList!.Arguments[0].Expression.ToString();
        foreach (TypeDeclarationSyntax part in type.Parts)
        {
            foreach (AttributeSyntax hook in part.Members.SelectMany(m => m.AttributeLists).SelectMany(l => l.Attributes))
            {
                if (DeviceSources.AttributeName(hook) is not ("VmStateField" or "Unused") && hook.ArgumentList is { Arguments.Count: > 0 } args
                    && args.Arguments[0].NameEquals is null && args.Arguments[0].Expression.ToString() == constant)
                {
                    string file = s.Files.Keys.Single(f => part.SyntaxTree.FilePath == f);
                    yield return new SourceEdit(file, ((AttributeListSyntax)hook.Parent!).Span, "");
                }
            }
        }
    }

    private static IEnumerable<DeviceMutation> VersionChanges(DeviceSources s)
    {
        DescribedType e1000 = s.Type("E1000Nic");
        DescribedType cpu = s.Type("X86Cpu");
        DescribedType common = s.Type("CpuCommon");
        DescribedType segment = s.Type("SegmentCache");
        yield return new DeviceMutation("lower e1000 to version 1", MutationKind.Version, Expectation.VisibleBreak, "VMS0101",
            [DeviceSources.SetArgument(e1000.File, e1000.Attribute, "Version", "1")]);
        yield return new DeviceMutation("lower cpu to version 11", MutationKind.Version, Expectation.VisibleBreak, "VMS0101",
            [DeviceSources.SetArgument(cpu.File, cpu.Attribute, "Version", "11"), .. SinceAbove(s, cpu, 11)]);
        yield return new DeviceMutation("lower nested struct segment to version 0", MutationKind.Version, Expectation.VisibleBreak, "VMS0101",
            [DeviceSources.SetArgument(segment.File, segment.Attribute, "Version", "0"), DeviceSources.SetArgument(segment.File, segment.Attribute, "MinimumVersion", "0")]);
        yield return new DeviceMutation("raise cpu_common to version 2 and MinimumVersion 2", MutationKind.Version, Expectation.VisibleBreak, "VMS0102",
            [DeviceSources.SetArgument(common.File, common.Attribute, "Version", "2"), DeviceSources.SetArgument(common.File, common.Attribute, "MinimumVersion", "2")]);

        // Streams of version 11 were never shipped by this machine (its baseline is 12), so refusing them is its call.
        yield return new DeviceMutation("raise cpu MinimumVersion to the shipped 12", MutationKind.Version, Expectation.Safe, null,
            [DeviceSources.SetArgument(cpu.File, cpu.Attribute, "MinimumVersion", "12")]);
    }

    // Since of each field above the version goes down with it (the generator refuses a field above its description).
    private static IEnumerable<SourceEdit> SinceAbove(DeviceSources s, DescribedType type, int version) =>
        s.Scope(type, null).Where(m => m.Argument("Since") is { } a && int.Parse(a.Expression.ToString(), CultureInfo.InvariantCulture) > version)
            .Select(m => DeviceSources.SetArgument(m.File, m.Attribute, "Since", Str(version)));

    private static IEnumerable<DeviceMutation> SinceChanges(DeviceSources s, Random r)
    {
        // A field is read from a stream of version v when v >= Since; a change matters when an accepted version
        // (MinimumVersion to Version) falls between the old and the new Since. A nested struct is always loaded at its
        // own version, so only the devices' own descriptions are picked from.
        List<MigratedMember> versioned = [.. s.Members.Where(m => Devices.Contains(m.Owner.TypeName) && m.Argument("Since") is { Expression: LiteralExpressionSyntax })];
        int SinceOf(MigratedMember m) => int.Parse(m.Argument("Since")!.Expression.ToString(), CultureInfo.InvariantCulture);

        // Moved along with a version bump: streams of the shipped version carry the field, and now it is skipped there.
        MigratedMember later = Pick(r, versioned.Where(m => m.Subsection is null && SinceOf(m) == VersionOf(s, m.Owner, null)).ToList());
        int bumped = SinceOf(later) + 1;
        yield return new DeviceMutation($"set Since of {later.Label} from {SinceOf(later)} to {bumped} with the version bump", MutationKind.Since, Expectation.HiddenBreak, "VMS0109",
            [DeviceSources.SetArgument(later.File, later.Attribute, "Since", Str(bumped)), SetVersion(s, later.Owner, null, bumped)]);

        // Earlier: streams of the version in between lack the field, and now it is read from them.
        MigratedMember earlier = Pick(r, versioned.Where(m => m != later && SinceOf(m) - 1 >= MinimumOf(s, m.Owner, m.Subsection)).ToList());
        yield return SetSince(earlier, SinceOf(earlier) - 1, Expectation.VisibleBreak);

        MigratedMember dropped = Pick(r, versioned.Where(m => m != later && m != earlier && SinceOf(m) > MinimumOf(s, m.Owner, m.Subsection)).ToList());
        yield return new DeviceMutation($"drop Since = {SinceOf(dropped)} of {dropped.Label}", MutationKind.Since, Expectation.VisibleBreak, "VMS0109",
            [DeviceSources.RemoveArgument(dropped.File, dropped.Attribute, "Since")]);

        // A Since given to a field that has always been sent: streams of the accepted versions below it carry the field,
        // and now it is skipped there.
        List<MigratedMember> always = [.. s.Members.Where(m => m.Subsection is null && m.Argument("Since") is null && VersionOf(s, m.Owner, m.Subsection) > MinimumOf(s, m.Owner, m.Subsection))];
        foreach (MigratedMember m in Spread(r, always, m => m.Owner, nested: 0))
        {
            int minimum = MinimumOf(s, m.Owner, m.Subsection);
            yield return SetSince(m, minimum + 1 + r.Next(VersionOf(s, m.Owner, m.Subsection) - minimum), Expectation.HiddenBreak);
        }
    }

    private static DeviceMutation SetSince(MigratedMember m, int since, Expectation expect) =>
        new($"set Since of {m.Label} from {m.Argument("Since")?.Expression.ToString() ?? "none"} to {since}", MutationKind.Since, expect, "VMS0109",
            [DeviceSources.SetArgument(m.File, m.Attribute, "Since", Str(since))]);

    private static IEnumerable<DeviceMutation> ExistsChanges(DeviceSources s, Random r)
    {
        // Gained: a test that is true now, but a shipped stream does not say so; the field's presence has a condition.
        List<MigratedMember> plain = [.. s.Members.Where(m => m.Argument("Exists") is null && m.Argument("Since") is null)];
        foreach (MigratedMember m in Spread(r, plain, m => m.Owner, nested: 1).Take(3))
        {
            TypeDeclarationSyntax part = m.Owner.Parts.First(p => p.Members.Contains(m.Declaration));
            yield return new DeviceMutation($"give {m.Label} an Exists test", MutationKind.Exists, Expectation.HiddenBreak, "VMS0110",
            [
                DeviceSources.SetArgument(m.File, m.Attribute, "Exists", "nameof(MutantExists)"),
                DeviceSources.Insert(m.File, part.OpenBraceToken.Span.End, "\n    private bool MutantExists() => true;\n"),
            ]);
        }

        // Lost: a field sent only in some streams is now always read. The devices' conditional fields are
        // alternatives of one name, which need their tests; so the shipped release gets a test the next one drops.
        MigratedMember lost = Pick(r, plain.Where(m => m.Owner.TypeName == "CpuCommon").ToList());
        TypeDeclarationSyntax lostPart = lost.Owner.Parts.First(p => p.Members.Contains(lost.Declaration));
        yield return new DeviceMutation($"drop the Exists test of {lost.Label}", MutationKind.Exists, Expectation.HiddenBreak, "VMS0110", [])
        {
            Shipped =
            [
                DeviceSources.SetArgument(lost.File, lost.Attribute, "Exists", "nameof(MutantExists)"),
                DeviceSources.Insert(lost.File, lostPart.OpenBraceToken.Span.End, "\n    private bool MutantExists() => true;\n"),
            ],
        };

        foreach ((string file, AttributeSyntax unused) in UnusedAttributes(s).Where(u => u.Attribute.ArgumentList!.Arguments.Any(a => a.NameEquals?.Name.Identifier.Text == "Exists")).Take(1))
        {
            yield return new DeviceMutation($"drop the Exists test of unused bytes in {file}", MutationKind.Exists, Expectation.HiddenBreak, "VMS0110",
                [DeviceSources.RemoveArgument(file, unused, "Exists")]);
        }
    }

    private static IEnumerable<DeviceMutation> UnusedChanges(DeviceSources s)
    {
        foreach ((string file, AttributeSyntax unused) in UnusedAttributes(s))
        {
            ExpressionSyntax size = unused.ArgumentList!.Arguments[0].Expression;
            yield return new DeviceMutation($"resize [{unused}] in {file} to {size} + 2 bytes", MutationKind.Unused, Expectation.VisibleBreak, "VMS0104",
                [DeviceSources.Replace(file, size, size + " + 2")]);
        }
    }

    private static IEnumerable<DeviceMutation> EnumAndCountChanges(DeviceSources s)
    {
        // The devices have no enum field and no variable array yet: the shipped release gets one, the next changes it.
        MigratedMember umwait = s.Member("cpu/umwait", "env.umwait");
        string EnumField(string underlying) => $"public enum UmwaitMode : {underlying} {{ Off = 0 }}\n";
        ImmutableArray<SourceEdit> Umwait(string underlying) =>
        [
            DeviceSources.Replace(umwait.File, umwait.Type, "UmwaitMode"),
            DeviceSources.Insert(umwait.File, umwait.Owner.Parts.First(p => p.Members.Contains(umwait.Declaration)).FullSpan.End, EnumField(underlying)),
        ];
        yield return new DeviceMutation($"change the enum of {umwait.Label} from uint to ushort", MutationKind.EnumType, Expectation.VisibleBreak, "VMS0104", Umwait("ushort"))
        {
            Shipped = Umwait("uint"),
        };
        yield return new DeviceMutation($"change the enum of {umwait.Label} from uint to int (same size)", MutationKind.EnumType, Expectation.Safe, null, Umwait("int"))
        {
            Shipped = Umwait("uint"),
        };

        MigratedMember halted = s.Member("cpu_common", "interrupt_request");
        ImmutableArray<SourceEdit> Counted(string countType) =>
        [
            DeviceSources.Insert(halted.File, halted.Declaration.FullSpan.End,
                $"\n    [VmStateField(\"mutant_count\")]\n    public {countType} MutantCount;\n\n    [VmStateField(\"mutant_values\", Count = nameof(MutantCount))]\n    public uint[] MutantValues {{ get; }} = new uint[4];\n"),
        ];
        yield return new DeviceMutation("change the count field of a variable array in cpu_common from byte to ushort", MutationKind.CountType, Expectation.VisibleBreak, "VMS0104", Counted("ushort"))
        {
            Shipped = Counted("byte"),
        };
    }

    private static IEnumerable<DeviceMutation> StructSizeChanges(DeviceSources s)
    {
        // The C size a dump prints for a struct is not on the wire, and check does not compare it.
        DescribedType segment = s.Type("SegmentCache");
        yield return new DeviceMutation("change the dump size of nested struct segment", MutationKind.StructSize, Expectation.Safe, null,
            [DeviceSources.SetArgument(segment.File, segment.Attribute, "DumpSize", "32")]);
    }

    // Every [Unused] of the sources, in order.
    private static IEnumerable<(string File, AttributeSyntax Attribute)> UnusedAttributes(DeviceSources s) =>
        from t in s.Types
        from part in t.Parts
        from member in part.Members
        from a in member.AttributeLists.SelectMany(l => l.Attributes)
        where DeviceSources.AttributeName(a) == "Unused"
        select (s.Files.Keys.Single(f => f == part.SyntaxTree.FilePath), a);

    private static SourceEdit RemoveFieldAttribute(MigratedMember m)
    {
        var list = (AttributeListSyntax)m.Attribute.Parent!;
        return list.Attributes.Count == 1 ? new SourceEdit(m.File, list.Span, "") : throw new InvalidOperationException("shared attribute list: " + list);
    }

    private static bool IsBuffer(MigratedMember m) => m.Type.ToString() == "byte[]" && m.Argument("AsArray") is null;

    private static bool IsPlainScalarField(MigratedMember m) =>
        m.Declaration is FieldDeclarationSyntax && Scalars.ContainsKey(m.Type.ToString())
        && m.Argument("Default") is null && m.Argument("Codec") is null && m.Argument("Equal") is null && m.Argument("PositiveLe") is null;

    private static int VersionOf(DeviceSources s, DescribedType type, string? subsection)
    {
        AttributeSyntax a = subsection is null ? type.Attribute : type.Subsections[subsection];
        return a.ArgumentList!.Arguments.FirstOrDefault(x => x.NameEquals?.Name.Identifier.Text == "Version") is { } v
            ? int.Parse(v.Expression.ToString(), CultureInfo.InvariantCulture)
            : 1;
    }

    // The generator's defaults: Version 1, MinimumVersion 1 (0 for a description at version 0).
    private static int MinimumOf(DeviceSources s, DescribedType type, string? subsection)
    {
        AttributeSyntax a = subsection is null ? type.Attribute : type.Subsections[subsection];
        return a.ArgumentList!.Arguments.FirstOrDefault(x => x.NameEquals?.Name.Identifier.Text == "MinimumVersion") is { } v
            ? int.Parse(v.Expression.ToString(), CultureInfo.InvariantCulture)
            : Math.Min(1, VersionOf(s, type, subsection));
    }

    private static SourceEdit SetVersion(DeviceSources s, DescribedType type, string? subsection, int version) =>
        DeviceSources.SetArgument(type.File, subsection is null ? type.Attribute : type.Subsections[subsection], "Version", Str(version));

    private static LiteralExpressionSyntax ConstantLiteral(DescribedType type, string constant) =>
        type.Parts.SelectMany(p => p.Members.OfType<FieldDeclarationSyntax>())
            .Select(f => f.Declaration.Variables[0])
            .Where(v => v.Identifier.Text == constant)
            .Select(v => (LiteralExpressionSyntax)v.Initializer!.Value)
            .Single();

    // One seeded pick from each device, then from `nested` other types (distinct, seeded).
    private static List<T> Spread<T>(Random r, IReadOnlyList<T> candidates, Func<T, DescribedType> owner, int nested)
    {
        var picked = new List<T>();
        foreach (string device in Devices)
        {
            List<T> of = [.. candidates.Where(c => owner(c).TypeName == device)];
            if (of.Count > 0)
            {
                picked.Add(Pick(r, of));
            }
        }

        List<string> others = [.. candidates.Select(c => owner(c).TypeName).Where(t => !Devices.Contains(t)).Distinct().Order(StringComparer.Ordinal)];
        for (int i = 0; i < nested && others.Count > 0; i++)
        {
            string type = Pick(r, others);
            others.Remove(type);
            picked.Add(Pick(r, candidates.Where(c => owner(c).TypeName == type).ToList()));
        }

        return picked;
    }

    private static T Pick<T>(Random r, IReadOnlyList<T> items) =>
        items.Count > 0 ? items[r.Next(items.Count)] : throw new InvalidOperationException("nothing to pick from");

    private static string Quote(string s) => "\"" + s + "\"";

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
