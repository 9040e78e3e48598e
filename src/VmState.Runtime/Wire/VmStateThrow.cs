using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VmState.Wire;

/// <summary>
/// Out-of-line throws for readers, writers and codecs, so the hot save/load paths stay small and inlinable. Every one
/// raises a <see cref="VmStateException"/> carrying the stream offset; the layers above add section and field path.
/// </summary>
public static class VmStateThrow
{
    /// <summary>The input ended before <paramref name="needed"/> more bytes could be read.</summary>
    [DoesNotReturn]
    public static void Truncated(long offset, long needed, long remaining) =>
        throw new VmStateLoadException(
            string.Create(CultureInfo.InvariantCulture, $"Unexpected end of input: needed {needed} byte(s), {remaining} left"), offset)
        {
            IsEndOfInput = true,
            MissingBytes = Math.Max(1, needed - remaining),
        };

    /// <summary>A general load failure.</summary>
    [DoesNotReturn]
    public static void LoadFailed(string reason, long offset) => throw new VmStateLoadException(reason, offset);

    /// <summary>A general save failure.</summary>
    [DoesNotReturn]
    public static void SaveFailed(string reason, long offset = -1) => throw new VmStateSaveException(reason, offset);

    /// <summary>An <c>*_EQUAL</c> field differs from the local value.</summary>
    [DoesNotReturn]
    public static void NotEqual<T>(T incoming, T local, long offset)
        where T : IFormattable =>
        CheckFailed(string.Create(CultureInfo.InvariantCulture,
            $"Incoming value {incoming.ToString(null, CultureInfo.InvariantCulture)} differs from local value {local.ToString(null, CultureInfo.InvariantCulture)}"), offset);

    /// <summary>
    /// A codec's check refused the incoming value: a failure that a field's <c>ErrorHint</c> explains
    /// (<see cref="VmStateException.AddHint"/>).
    /// </summary>
    [DoesNotReturn]
    public static void CheckFailed(string reason, long offset) =>
        throw new VmStateLoadException(reason, offset) { IsCheckFailure = true };

    /// <summary>A count or size taken from the stream asks for more than the input still holds.</summary>
    [DoesNotReturn]
    public static void CountTooLarge(long count, long elementSize, long remaining, long offset) =>
        throw new VmStateLoadException(
            string.Create(CultureInfo.InvariantCulture,
                $"Count {count} of {elementSize}-byte elements exceeds the {remaining} byte(s) left in the input"), offset)
        {
            // Over a network the rest may still come; the loader then reads more and bounds the frame itself.
            IsEndOfInput = true,
            MissingBytes = Math.Max(1, count > long.MaxValue / Math.Max(1, elementSize) ? long.MaxValue : (count * elementSize) - remaining),
        };
}
