namespace VmState.Generators.Model;

/// <summary>How a field is laid out on the wire; mirrors the runtime's <c>VmStateFieldKind</c>.</summary>
internal enum FieldKind
{
    /// <summary>A value, or an array of values, written by a codec.</summary>
    Value,
    /// <summary>Raw bytes.</summary>
    Buffer,
    /// <summary>Padding: zeros out, skipped in.</summary>
    Unused,
    /// <summary>A nested described type, or an array of them.</summary>
    Struct,
    /// <summary>A temporary described type filled from and applied to the parent.</summary>
    Tmp,
    /// <summary>A check that transfers nothing.</summary>
    Validate,
}
