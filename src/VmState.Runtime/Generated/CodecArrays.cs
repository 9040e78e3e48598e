using System.ComponentModel;
using VmState.Codecs;
using VmState.Wire;

namespace VmState.Generated;

/// <summary>
/// Calls a codec's array members from generated code. A codec that keeps the interface's default loop has no
/// <c>SaveArray</c> of its own to name, so the call goes through a type parameter.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CodecArrays
{
    /// <summary>Writes <paramref name="values"/> with <typeparamref name="TCodec"/>.</summary>
    public static void Save<TCodec, T>(ref VmStateWriter writer, scoped ReadOnlySpan<T> values)
        where TCodec : IVmStateCodec<TCodec, T> => TCodec.SaveArray(ref writer, values);

    /// <summary>Fills <paramref name="values"/> with <typeparamref name="TCodec"/>.</summary>
    public static void Load<TCodec, T>(ref VmStateReader reader, scoped Span<T> values)
        where TCodec : IVmStateCodec<TCodec, T> => TCodec.LoadArray(ref reader, values);
}
