namespace VmState.Analysis;

/// <summary>
/// A field that an older release calls <paramref name="OldName"/> and a newer one <paramref name="NewName"/>, with
/// the same bytes (QEMU 10.0's hpet <c>num_timers_save</c>, 7.2's <c>num_timers</c>).
/// </summary>
/// <param name="Vmsd">The description (or subsection) it belongs to.</param>
/// <param name="OldName">The older release's name.</param>
/// <param name="NewName">The newer release's name.</param>
public sealed record FieldRename(string Vmsd, string OldName, string NewName);

/// <summary>One of the fields a <see cref="FieldSplit"/> makes of an older release's one.</summary>
/// <param name="Name">Its name in the newer release.</param>
/// <param name="Type">Its VMDESCRIPTION type.</param>
/// <param name="Size">Its bytes.</param>
/// <param name="GoingOld">What converting to the older release does with it.</param>
/// <param name="ZeroGoingNew">Its bytes must be zero in an older release's stream, whose writer knew nothing of it.</param>
public sealed record FieldPart(string Name, string Type, int Size, SplitValue GoingOld, bool ZeroGoingNew);

/// <summary>What converting to the older release does with a part of a split field.</summary>
public enum SplitValue
{
    /// <summary>The bytes stay as they are (the older release reads them as part of its field).</summary>
    Kept,

    /// <summary>The bytes become zero, as the older release writes them (a marker that only the newer one sets).</summary>
    Cleared,

    /// <summary>The older release has no place for the value: non-zero, it is refused (or, lossy, cleared and listed).</summary>
    Lost,
}

/// <summary>
/// One field of an older release that a newer one describes as several over the same bytes (7.2's globalstate
/// <c>runstate</c>, 100 bytes; 10.0's <c>runstate</c>, <c>has_vm_was_suspended</c>, <c>vm_was_suspended</c>,
/// <c>unused</c>).
/// </summary>
/// <param name="Vmsd">The description it belongs to.</param>
/// <param name="OldName">The older release's field.</param>
/// <param name="OldType">Its VMDESCRIPTION type.</param>
/// <param name="Parts">The newer release's fields, in order; their sizes add up to the old field's.</param>
public sealed record FieldSplit(string Vmsd, string OldName, string OldType, IReadOnlyList<FieldPart> Parts)
{
    /// <summary>Bytes of the old field.</summary>
    public int Size => Parts.Sum(p => p.Size);
}

/// <summary>
/// What the descriptions of two releases cannot tell about converting between them: the per-field mappings that are
/// declared, not derived. Everything else <see cref="ConversionPlan"/> reads off the two description sets.
/// </summary>
/// <param name="OldRelease">The older release (<c>7.2</c>).</param>
/// <param name="NewRelease">The newer release (<c>10.0</c>).</param>
/// <param name="Renames">Fields with a new name and the same bytes.</param>
/// <param name="Splits">Fields the newer release describes as several.</param>
public sealed record ReleaseMappings(string OldRelease, string NewRelease, IReadOnlyList<FieldRename> Renames, IReadOnlyList<FieldSplit> Splits)
{
    /// <summary>
    /// <paramref name="description"/>, an older release's, as the newer release describes it: renamed fields under
    /// their new names, split fields as their parts (each part at the old field's version).
    /// </summary>
    public DumpDescription ToNew(DumpDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var fields = new List<DumpField>();
        foreach (DumpField f in description.Fields)
        {
            FieldRename? rename = Renames.FirstOrDefault(r => r.Vmsd == description.Name && r.OldName == f.Name);
            FieldSplit? split = Splits.FirstOrDefault(s => s.Vmsd == description.Name && s.OldName == f.Name && s.Size == f.Size);
            if (split is not null)
            {
                fields.AddRange(split.Parts.Select(p => new DumpField(p.Name, f.VersionId, p.Size, null)));
            }
            else
            {
                fields.Add(rename is null ? f : f with { Name = rename.NewName });
            }
        }

        return description with { Fields = fields, Subsections = [.. description.Subsections.Select(ToNew)] };
    }

    /// <summary>No declared mappings.</summary>
    public static ReleaseMappings None(string oldRelease, string newRelease) => new(oldRelease, newRelease, [], []);
}
