namespace VmState.Description;

/// <summary>
/// Padding on the wire just before the member it decorates (QEMU's <c>VMSTATE_UNUSED</c>): zeros on save,
/// skipped on load, named <c>unused</c>. Several may stand on one member, in order.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property | AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class UnusedAttribute : Attribute
{
    /// <summary>Padding of <paramref name="size"/> bytes.</summary>
    public UnusedAttribute(int size) => Size = size;

    /// <summary>Bytes on the wire.</summary>
    public int Size { get; }

    /// <summary>Version that introduced the padding (QEMU's <c>VMSTATE_UNUSED_V</c>).</summary>
    public int Since { get; set; }

    /// <summary>Name of a predicate method that decides whether the padding is on the wire (<c>VMSTATE_UNUSED_TEST</c>).</summary>
    public string? Exists { get; set; }

    /// <summary>Subsection the padding belongs to.</summary>
    public string? Subsection { get; set; }
}
