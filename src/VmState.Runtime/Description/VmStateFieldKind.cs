namespace VmState.Description;

/// <summary>How a field is laid out on the wire.</summary>
public enum VmStateFieldKind
{
    /// <summary>A value (or array of values) written by a codec.</summary>
    Value,
    /// <summary>Raw bytes (QEMU's <c>VMSTATE_BUFFER</c>, <c>VBUFFER</c>).</summary>
    Buffer,
    /// <summary>Padding: zeros out, skipped in.</summary>
    Unused,
    /// <summary>A nested described type (or array of them), loaded with its own version.</summary>
    Struct,
    /// <summary>A temporary described type filled from and applied to the parent.</summary>
    Tmp,
    /// <summary>A load-time check that transfers nothing.</summary>
    Validate,
}
