namespace VmState.Description;

/// <summary>QEMU's info names for the kinds that are layouts rather than codecs (buffers, padding, nested bodies).</summary>
public static class VmStateTypeNames
{
    /// <summary><c>VMSTATE_BUFFER</c> and friends.</summary>
    public const string Buffer = "buffer";
    /// <summary><c>VMSTATE_UNUSED</c>: zeros out, skipped in.</summary>
    public const string UnusedBuffer = "unused_buffer";
    /// <summary>A nested described struct.</summary>
    public const string Struct = "struct";
    /// <summary><c>VMSTATE_WITH_TMP</c>.</summary>
    public const string Tmp = "tmp";
    /// <summary>The marker byte of a NULL pointer element.</summary>
    public const string NullPtr = "nullptr";
    /// <summary><c>VMSTATE_VALIDATE</c>: no bytes on the wire.</summary>
    public const string Validate = "validate";
}
