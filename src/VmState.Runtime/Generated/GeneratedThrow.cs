using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using VmState.Wire;

namespace VmState.Generated;

/// <summary>The throws only generated save/load code raises: version window, hooks and checks.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedThrow
{
    /// <summary>The incoming version is outside [minimum, current].</summary>
    [DoesNotReturn]
    public static void VersionOutOfRange(int incoming, int current, int minimum, long offset)
    {
        string reason = incoming > current
            ? string.Create(CultureInfo.InvariantCulture, $"Incoming version_id {incoming} is too new for local version_id {current}")
            : string.Create(CultureInfo.InvariantCulture, $"Incoming version_id {incoming} is too old for local minimum version_id {minimum}");
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

    /// <summary>A <c>[Validate]</c> check returned false.</summary>
    [DoesNotReturn]
    public static void ValidationFailed(bool load, long offset)
    {
        if (load)
        {
            throw new VmStateLoadException("Input validation failed", offset);
        }

        throw new VmStateSaveException("Output validation failed", offset);
    }
}
