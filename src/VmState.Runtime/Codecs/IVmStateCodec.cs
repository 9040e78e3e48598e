using VmState.Wire;

namespace VmState.Codecs;

/// <summary>
/// A value kind's wire codec (QEMU's <c>VMStateInfo</c>): its type name in the stream's self-description, its size
/// on the wire, and how one value and an array of values are written and read. Members are static so generated code
/// calls them directly. Implement it to add a kind of your own and name it with
/// <see cref="VmState.Description.VmStateFieldAttribute.Codec"/>: a new kind is this one type. Codecs are never instantiated;
/// declare them as (empty) structs, so that generic calls such as the array members are compiled per codec.
/// </summary>
/// <typeparam name="TSelf">The codec itself, so that the array members can loop over <see cref="Save"/> and
/// <see cref="Load"/> by default.</typeparam>
/// <typeparam name="T">The member type the codec reads and writes.</typeparam>
public interface IVmStateCodec<TSelf, T>
    where TSelf : IVmStateCodec<TSelf, T>
{
    /// <summary>The <c>type</c> string in VMDESCRIPTION (QEMU's info name, e.g. <c>uint32</c>, <c>pci config</c>).</summary>
    static abstract string TypeName { get; }

    /// <summary>Bytes one value takes on the wire.</summary>
    static abstract int Size { get; }

    /// <summary>Writes <paramref name="value"/>.</summary>
    static abstract void Save(ref VmStateWriter writer, T value);

    /// <summary>Reads into <paramref name="value"/>; the current value is available for checks (QEMU's <c>*_EQUAL</c>).</summary>
    static abstract void Load(ref VmStateReader reader, ref T value);

    /// <summary>
    /// Writes every element of an array field. By default one <see cref="Save"/> per element; codecs with a faster
    /// bulk path (the integer kinds) override it.
    /// </summary>
    static virtual void SaveArray(ref VmStateWriter writer, scoped ReadOnlySpan<T> values)
    {
        int i = 0;
        try
        {
            for (; i < values.Length; i++)
            {
                TSelf.Save(ref writer, values[i]);
            }
        }
        catch (VmStateException e) when (e.AtElement(i))
        {
            // Not reached: the filter only records the element index for the error path.
            throw;
        }
    }

    /// <summary>Reads every element of an array field; by default one <see cref="Load"/> per element.</summary>
    static virtual void LoadArray(ref VmStateReader reader, scoped Span<T> values)
    {
        int i = 0;
        try
        {
            for (; i < values.Length; i++)
            {
                TSelf.Load(ref reader, ref values[i]);
            }
        }
        catch (VmStateException e) when (e.AtElement(i))
        {
            throw;
        }
    }
}

/// <summary>
/// A codec of a fixed number of bytes that needs no checks on load: it also puts its value into (and gets it from) a
/// span. The generated code reserves a run of such fields at once and fills it at constant offsets, as a hand-written
/// saver would, instead of asking the writer for room field by field.
/// </summary>
/// <typeparam name="TSelf">The codec itself.</typeparam>
/// <typeparam name="T">The C# type it carries.</typeparam>
public interface IVmStateFixedCodec<TSelf, T> : IVmStateCodec<TSelf, T>
    where TSelf : IVmStateFixedCodec<TSelf, T>
{
    /// <summary>Writes <paramref name="value"/> into the first <see cref="IVmStateCodec{TSelf, T}.Size"/> bytes of <paramref name="destination"/>.</summary>
    static abstract void Put(Span<byte> destination, T value);

    /// <summary>Reads the value from the first <see cref="IVmStateCodec{TSelf, T}.Size"/> bytes of <paramref name="source"/>.</summary>
    static abstract T Get(ReadOnlySpan<byte> source);
}
