namespace VmState;

/// <summary>
/// Declares a subsection of the described type: a nested description over the same object, saved after the
/// fields only when its <see cref="NeededAttribute"/> predicate says so. Fields join it with
/// <see cref="VmStateFieldAttribute.Subsection"/>. Subsections are written in the order they are declared here.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class SubsectionAttribute : Attribute
{
    /// <summary>A subsection named <paramref name="name"/>; the name must start with the parent's name (<c>e1000/mit_state</c>).</summary>
    public SubsectionAttribute(string name) => Name = name;

    /// <summary>The subsection's description name.</summary>
    public string Name { get; }

    /// <summary>Its own version. Default 1.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Oldest incoming version accepted. Default: 1, or 0 when <see cref="Version"/> is 0.</summary>
    public int MinimumVersion { get; set; } = -1;
}
