namespace VmState.Description;

/// <summary>One entry of a description's field list (QEMU's <c>VMStateField</c>), as the generator saw it.</summary>
public sealed class VmStateFieldDescription
{
    private readonly string? _typeName;

    /// <summary>The field name (not made unique: the <c>[k]</c> suffix is a VMDESCRIPTION matter).</summary>
    public required string Name { get; init; }

    /// <summary>Version that introduced the field (<c>version_id</c>).</summary>
    public int Version { get; init; }

    /// <summary>True when an existence predicate decides whether the field is on the wire (<c>field_exists</c>).</summary>
    public bool HasExists { get; init; }

    /// <summary>Layout family.</summary>
    public VmStateFieldKind Kind { get; init; }

    /// <summary>
    /// QEMU's info name, the <c>type</c> in VMDESCRIPTION (<c>uint32</c>, <c>buffer</c>, <c>struct</c>, ...). A value's is
    /// its codec's and must be given; the layout kinds default to theirs (<see cref="VmStateTypeNames"/>).
    /// </summary>
    public string TypeName
    {
        get => _typeName ?? Kind switch
        {
            VmStateFieldKind.Buffer => VmStateTypeNames.Buffer,
            VmStateFieldKind.Unused => VmStateTypeNames.UnusedBuffer,
            VmStateFieldKind.Struct => VmStateTypeNames.Struct,
            VmStateFieldKind.Tmp => VmStateTypeNames.Tmp,
            VmStateFieldKind.Validate => VmStateTypeNames.Validate,
            _ => "",
        };
        init => _typeName = value;
    }

    /// <summary>Bytes of one element on the wire; byte count of a fixed buffer; 0 for a variable buffer.</summary>
    public int Size { get; init; }

    /// <summary>Element count of a fixed array (QEMU's <c>num</c> with <c>VMS_ARRAY</c>); null when not a fixed array.</summary>
    public int? Length { get; init; }

    /// <summary>Name of the member holding the count of a variable array or buffer; null otherwise.</summary>
    public string? CountField { get; init; }

    /// <summary>First element (or byte) of the member that is migrated.</summary>
    public int Start { get; init; }

    /// <summary>The name a shipped release gave the field (<c>FormerName</c>), or null: a rename the wire does not see.</summary>
    public string? FormerName { get; init; }

    /// <summary>The nested description of a struct or tmp field.</summary>
    public VmStateDescription? Nested { get; init; }

    /// <summary>True for a variable array (count from another field).</summary>
    public bool IsVariableArray => CountField is not null && Kind != VmStateFieldKind.Buffer;

    /// <summary>
    /// Whether the VMDESCRIPTION may describe an array of this field by its first element (QEMU's compression): not
    /// when it has an existence test, nor when it is a struct whose description has subsections or uncompressible fields.
    /// </summary>
    public bool IsCompressible => !HasExists && (Kind != VmStateFieldKind.Struct || Nested is null || Nested.IsCompressible);

    /// <summary>The <c>size</c> a <c>-dump-vmstate</c> file shows for this field.</summary>
    public int DumpSize => Kind switch
    {
        VmStateFieldKind.Struct or VmStateFieldKind.Tmp => Nested?.DumpSize ?? 0,
        _ => Size,
    };
}
