using VmState.Wire;

namespace VmState.Codecs;

/// <summary>
/// A field kind's wire codec (QEMU's <c>VMStateInfo</c>): its type name in the stream's self-description, its size
/// on the wire, and how one value is written and read. Members are static so generated code calls them directly.
/// Implement it to add a kind of your own and name it with <see cref="VmState.Description.VmStateFieldAttribute.Codec"/>.
/// </summary>
/// <typeparam name="T">The member type the codec reads and writes.</typeparam>
public interface IVmStateCodec<T>
{
    /// <summary>The <c>type</c> string in VMDESCRIPTION (QEMU's info name, e.g. <c>uint32</c>, <c>pci config</c>).</summary>
    static abstract string TypeName { get; }

    /// <summary>Bytes one value takes on the wire.</summary>
    static abstract int Size { get; }

    /// <summary>Writes <paramref name="value"/>.</summary>
    static abstract void Save(ref VmStateWriter writer, T value);

    /// <summary>Reads into <paramref name="value"/>; the current value is available for checks (QEMU's <c>*_EQUAL</c>).</summary>
    static abstract void Load(ref VmStateReader reader, ref T value);
}

/// <summary>QEMU's info names for the kinds the runtime writes itself (buffers, padding, nested bodies).</summary>
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
