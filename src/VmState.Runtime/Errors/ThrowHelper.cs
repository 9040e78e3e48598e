using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VmState;

/// <summary>Out-of-line throws, so the hot save/load paths stay small and inlinable.</summary>
public static class ThrowHelper
{
    /// <summary>The input ended before <paramref name="needed"/> more bytes could be read.</summary>
    [DoesNotReturn]
    public static void Truncated(long offset, long needed, long remaining) =>
        throw new VmStateLoadException(
            string.Create(CultureInfo.InvariantCulture, $"Unexpected end of input: needed {needed} byte(s), {remaining} left"), offset)
        {
            IsEndOfInput = true,
        };

    /// <summary>A general load failure.</summary>
    [DoesNotReturn]
    public static void Load(string reason, long offset) => throw new VmStateLoadException(reason, offset);

    /// <summary>A general save failure.</summary>
    [DoesNotReturn]
    public static void Save(string reason, long offset = -1) => throw new VmStateSaveException(reason, offset);

    /// <summary>The incoming version is outside [minimum, current].</summary>
    [DoesNotReturn]
    public static void Version(int incoming, int current, int minimum, long offset)
    {
        string reason = incoming > current
            ? string.Create(CultureInfo.InvariantCulture, $"Incoming version_id {incoming} is too new for local version_id {current}")
            : string.Create(CultureInfo.InvariantCulture, $"Incoming version_id {incoming} is too old for local minimum version_id {minimum}");
        throw new VmStateLoadException(reason, offset);
    }

    /// <summary>An <c>*_EQUAL</c> field differs from the local value.</summary>
    [DoesNotReturn]
    public static void NotEqual<T>(T incoming, T local, long offset, string? hint)
        where T : IFormattable
    {
        string reason = string.Create(CultureInfo.InvariantCulture,
            $"Incoming value {incoming.ToString(null, CultureInfo.InvariantCulture)} differs from local value {local.ToString(null, CultureInfo.InvariantCulture)}");
        if (hint is not null)
        {
            reason += " (" + hint + ")";
        }

        throw new VmStateLoadException(reason, offset);
    }

    /// <summary>A hook (pre-save, pre-load, post-load, ...) reported failure.</summary>
    [DoesNotReturn]
    public static void HookFailed(string hook, bool load, long offset)
    {
        if (load)
        {
            throw new VmStateLoadException(hook + " failed", offset);
        }

        throw new VmStateSaveException(hook + " failed", offset);
    }

    /// <summary>A <see cref="ValidateAttribute"/> check returned false.</summary>
    [DoesNotReturn]
    public static void ValidationFailed(bool load, long offset)
    {
        if (load)
        {
            throw new VmStateLoadException("Input validation failed", offset);
        }

        throw new VmStateSaveException("Output validation failed", offset);
    }

    /// <summary>A count or size taken from the stream asks for more than the input still holds.</summary>
    [DoesNotReturn]
    public static void CountTooLarge(long count, long elementSize, long remaining, long offset) =>
        throw new VmStateLoadException(
            string.Create(CultureInfo.InvariantCulture,
                $"Count {count} of {elementSize}-byte elements exceeds the {remaining} byte(s) left in the input"), offset)
        {
            // Over a network the rest may still come; the loader then reads more and bounds the frame itself.
            IsEndOfInput = true,
        };
}
