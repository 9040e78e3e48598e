using VmState.Description;

namespace VmState.Schema;

/// <summary>
/// Field renames the code has recorded (<c>[VmStateField(FormerName = "old")]</c>), for <see cref="SchemaChecker"/> to
/// forgive on top of the renames QEMU's checker knows. A rename changes only the dump, never the wire; without being
/// told, the checker (like QEMU's) reports the shipped name as missing.
/// </summary>
public sealed class SchemaFieldRenames
{
    private readonly HashSet<(string Description, string Old, string New)> _pairs = [];

    /// <summary>The renames recorded anywhere in <paramref name="descriptions"/>: nested descriptions and subsections too.</summary>
    public static SchemaFieldRenames FromDescriptions(IEnumerable<VmStateDescription> descriptions)
    {
        ArgumentNullException.ThrowIfNull(descriptions);
        var renames = new SchemaFieldRenames();
        var seen = new HashSet<VmStateDescription>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<VmStateDescription>(descriptions);
        while (pending.Count > 0)
        {
            VmStateDescription d = pending.Pop();
            if (!seen.Add(d))
            {
                continue;
            }

            foreach (VmStateFieldDescription f in d.Fields)
            {
                if (f.FormerName is { } former)
                {
                    renames.Add(d.Name, former, f.Name);
                }

                if (f.Nested is { } nested)
                {
                    pending.Push(nested);
                }
            }

            foreach (VmStateDescription s in d.Subsections)
            {
                pending.Push(s);
            }
        }

        return renames;
    }

    /// <summary>Forgives field <paramref name="oldName"/> of <paramref name="description"/> appearing as <paramref name="newName"/>, either way round.</summary>
    public void Add(string description, string oldName, string newName)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(oldName);
        ArgumentNullException.ThrowIfNull(newName);
        _pairs.Add((description, oldName, newName));
    }

    /// <summary>How many renames are recorded.</summary>
    public int Count => _pairs.Count;

    internal bool Match(string description, string source, string destination) =>
        _pairs.Contains((description, source, destination)) || _pairs.Contains((description, destination, source));
}
