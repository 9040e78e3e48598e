namespace VmState.Description;

/// <summary>
/// Declares a subsection of the described type: a nested description over the same object, saved after the
/// fields only when its <see cref="NeededAttribute"/> predicate says so. Fields join it with
/// <see cref="VmStateFieldAttribute.Subsection"/>. Subsections are written in the order they are declared here.
/// A subsection may itself have subsections (<see cref="Parent"/>): QEMU saves them right after their parent's
/// fields, before the parent's later siblings.
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

    /// <summary>
    /// The name of the enclosing subsection, declared on the same type; null (the default) for a subsection of the
    /// type itself. The name must then start with the parent subsection's name (<c>cpu/kvm_nested_state/vmx/vmcs12</c>
    /// under <c>cpu/kvm_nested_state/vmx</c>), since QEMU's loader looks for a nested subsection by that prefix.
    /// </summary>
    public string? Parent { get; set; }
}
