using VmState.Codecs;

namespace VmState.Description;

/// <summary>
/// Marks a field or property as part of the described state. Its position in the encoding is its declaration
/// order. The kind follows from the member's type: <c>bool</c>, integers, enums (by their underlying type),
/// <c>double</c>, <see cref="VmTimer"/>, <c>byte[]</c> (a buffer), arrays, and other <see cref="VmStateAttribute"/>
/// types (nested structs, or a <c>tmp</c> when they implement <see cref="IVmStateTmp{TParent}"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class VmStateFieldAttribute : Attribute
{
    /// <summary>A field named after its member.</summary>
    public VmStateFieldAttribute()
    {
    }

    /// <summary>A field with QEMU's field name <paramref name="name"/> (e.g. <c>mac_reg[CTRL]</c>).</summary>
    public VmStateFieldAttribute(string name) => Name = name;

    /// <summary>The field name in schemas and errors; default the member name.</summary>
    public string? Name { get; }

    /// <summary>The description version that introduced the field (QEMU's <c>_V</c>): older streams do not carry it.</summary>
    public int Since { get; set; }

    /// <summary>
    /// Name of a <c>bool M()</c> or <c>bool M(int versionId)</c> method that decides whether the field is on the wire
    /// (QEMU's <c>_TEST</c>); when given it alone decides, whatever <see cref="Since"/> says.
    /// </summary>
    public string? Exists { get; set; }

    /// <summary>Element count of a fixed array, or byte count of a buffer.</summary>
    public int Length { get; set; }

    /// <summary>First element (or byte) of the member's array that is migrated: a slice <c>[Start, Start + Length)</c>.</summary>
    public int Start { get; set; }

    /// <summary>
    /// Name of an earlier integer member that holds the element count of a variable array (QEMU's <c>VARRAY</c>;
    /// its type sets the width: int, byte, ushort or uint), or the byte count of a variable buffer (<c>VBUFFER</c>).
    /// </summary>
    public string? Count { get; set; }

    /// <summary>The load fails unless the incoming value equals the local one (QEMU's <c>*_EQUAL</c>).</summary>
    public bool Equal { get; set; }

    /// <summary>Text added to the error when this field's check fails (an <see cref="Equal"/> mismatch, or any codec check raised with <c>VmStateThrow.CheckFailed</c>; QEMU's <c>err_hint</c>).</summary>
    public string? ErrorHint { get; set; }

    /// <summary>An <c>int</c> the load accepts only when 0 ≤ incoming ≤ local (QEMU's <c>INT32_POSITIVE_LE</c>, type <c>int32 le</c>).</summary>
    public bool PositiveLe { get; set; }

    /// <summary>A codec type implementing <see cref="Codecs.IVmStateCodec{TSelf, T}"/> for the member's (element) type.</summary>
    public Type? Codec { get; set; }

    /// <summary>The value the member takes when the incoming version predates <see cref="Since"/>, and after <c>ResetVmState()</c>.</summary>
    public object? Default { get; set; }

    /// <summary>Name of a subsection declared with <see cref="SubsectionAttribute"/> on the type that this field belongs to.</summary>
    public string? Subsection { get; set; }

    /// <summary>
    /// A path from the member to the value this field migrates, for QEMU fields that reach into a C struct with no
    /// description of its own (<c>channels[0].irq_disabled</c>): <c>"[0].IrqDisabled"</c>, <c>"Queue.Cwptr"</c>.
    /// One member may carry several fields, itself and paths into it, in attribute order. A null object or a short
    /// array on the way is a save or load error naming the field.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Migrate a <c>byte[]</c> as an array of <c>uint8</c> rather than as one buffer.</summary>
    public bool AsArray { get; set; }

    /// <summary>
    /// The name a shipped release gave this field, when it has been renamed since. The wire carries no names, so a
    /// rename is safe; recording it silences the compatibility analyzer's VMS0108 and lets <c>SchemaChecker</c>
    /// (given the descriptions) forgive the rename as QEMU's checker forgives its own.
    /// </summary>
    public string? FormerName { get; set; }
}
