namespace VmState.Generators.Model;

/// <summary>One field of a description (QEMU's <c>VMStateField</c>), with everything the emitter needs and nothing from Roslyn.</summary>
internal sealed record FieldSpec
{
    public required FieldKind Kind { get; init; }
    public required FieldShape Shape { get; init; }

    /// <summary>The QEMU field name.</summary>
    public required string Name { get; init; }

    /// <summary>The name in VMDESCRIPTION: <see cref="Name"/>, or <c>name[k]</c> when several fields share it.</summary>
    public required string VmDescriptionName { get; init; }

    /// <summary>The C# member (null for unused padding); for <see cref="FieldKind.Validate"/> the check method.</summary>
    public string? MemberName { get; init; }

    /// <summary>The <c>Path</c> from <see cref="MemberName"/> to the migrated value (<c>[0].IrqDisabled</c>), or null.</summary>
    public string? Path { get; init; }

    /// <summary>With a <see cref="Path"/>: the C# expression that reaches the value, <c>{offset}</c> standing for the side's stream offset.</summary>
    public string? Access { get; init; }

    /// <summary>The member (or the path's last member) is a property (no refs to it).</summary>
    public bool IsProperty { get; init; }

    /// <summary>The member can be assigned (to allocate arrays, store loaded values).</summary>
    public bool CanWrite { get; init; }

    public int Since { get; init; }

    /// <summary>The name a shipped release gave the field (<c>FormerName</c>): schema-only, the wire is unchanged.</summary>
    public string? FormerName { get; init; }
    public HookSpec? Exists { get; init; }

    /// <summary>Fixed element count, or the byte count of a fixed buffer or padding.</summary>
    public int Length { get; init; }

    public int Start { get; init; }

    /// <summary>The member holding the count (variable shapes).</summary>
    public string? CountMember { get; init; }

    /// <summary>The QEMU field name of the count member.</summary>
    public string? CountName { get; init; }

    /// <summary>Fully qualified element type (for arrays: the element).</summary>
    public string? ElementType { get; init; }

    /// <summary>The element is a value type (structs: call in place; classes: may be null).</summary>
    public bool ElementIsValueType { get; init; }

    /// <summary>A class element can be created with <c>new T()</c> when null on load.</summary>
    public bool ElementHasDefaultConstructor { get; init; }

    /// <summary>The codec type of a value (or of each element of an array of values): its only description of the kind.</summary>
    public string? Codec { get; init; }

    /// <summary>
    /// Bytes one value takes by <see cref="Codec"/>, when the build can know it: a runtime codec's, or a user codec's
    /// whose <c>Size</c> is a constant expression in this compilation; null otherwise. The baseline writer needs it.
    /// </summary>
    public int? ValueSize { get; init; }

    /// <summary>
    /// The codec implements <c>IVmStateFixedCodec</c>: a fixed size and no load checks, so a run of such fields is
    /// written into (and read from) one span at constant offsets.
    /// </summary>
    public bool FixedCodec { get; init; }

    /// <summary>For enums: the underlying keyword the codec works on; values are cast.</summary>
    public string? CastTo { get; init; }

    public string? ErrorHint { get; init; }

    /// <summary>C# expression of the declared default, or null.</summary>
    public string? DefaultExpression { get; init; }

    /// <summary>Version of a nested struct or tmp type, used when loading it.</summary>
    public int NestedVersion { get; init; }
}
