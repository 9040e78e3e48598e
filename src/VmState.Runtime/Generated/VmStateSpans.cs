using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using VmState.Wire;

namespace VmState.Generated;

/// <summary>Helpers that generated code uses to reach member storage, with typed errors instead of crashes.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class VmStateSpans
{
    /// <summary>
    /// <c>array[start..start+length]</c> for saving; a null or short array is a <see cref="VmStateSaveException"/>
    /// (a count field larger than its array, say).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<T> ForSave<T>(T[]? array, int start, int length)
    {
        if (array is null || length < 0 || (uint)start + (uint)length > (uint)array.Length)
        {
            ShortForSave(array, start, length);
        }

        return new Span<T>(array, start, length);
    }

    /// <summary><c>array[start..start+length]</c> for loading; a null or short array is a <see cref="VmStateLoadException"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<T> ForLoad<T>(T[]? array, int start, int length, long offset)
    {
        if (array is null || length < 0 || (uint)start + (uint)length > (uint)array.Length)
        {
            ShortForLoad(array, start, length, offset);
        }

        return new Span<T>(array, start, length);
    }

    /// <summary>
    /// Storage for a load of <paramref name="count"/> elements from <paramref name="start"/>: the existing array when it is
    /// large enough (nothing allocated), else a new one, after checking that the input still holds
    /// <paramref name="count"/> elements of <paramref name="elementSize"/> bytes.
    /// </summary>
    public static T[] EnsureForLoad<T>(T[]? array, int start, long count, int elementSize, ref VmStateReader reader)
    {
        reader.EnsureAvailable(count, elementSize);
        if (array is not null && start + count <= array.Length)
        {
            return array;
        }

        if (start + count > Array.MaxLength)
        {
            VmStateThrow.CountTooLarge(count, elementSize, reader.Remaining, reader.Position);
        }

        var fresh = new T[start + count];
        array?.AsSpan(0, Math.Min(array.Length, start)).CopyTo(fresh);
        return fresh;
    }

    /// <summary>A nested described object that must exist for saving.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NotNullForSave<T>(T? value)
        where T : class
    {
        if (value is null)
        {
            VmStateThrow.SaveFailed("Nested state is null");
        }

        return value;
    }

    /// <summary>An array element on a field's <c>Path</c>; <paramref name="offset"/> is the load's position, or -1 on save.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T PathItem<T>(T[]? array, int index, long offset)
    {
        if (array is null || (uint)index >= (uint)array.Length)
        {
            PathBroken(array is null ? "an array on the field's path is null" : $"the field's path indexes [{index}] of an array of {array.Length}", offset);
        }

        return ref array![index];
    }

    /// <summary>An object on a field's <c>Path</c>; <paramref name="offset"/> is the load's position, or -1 on save.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T PathObject<T>(T? value, long offset)
        where T : class
    {
        if (value is null)
        {
            PathBroken("an object on the field's path is null", offset);
        }

        return value!;
    }

    [DoesNotReturn]
    private static void PathBroken(string reason, long offset)
    {
        if (offset < 0)
        {
            VmStateThrow.SaveFailed(reason);
        }

        VmStateThrow.LoadFailed(reason, offset);
    }

    /// <summary>A nested described object that must exist for loading.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NotNullForLoad<T>(T? value, long offset)
        where T : class
    {
        if (value is null)
        {
            VmStateThrow.LoadFailed("Nested state is null", offset);
        }

        return value;
    }

    /// <summary>Reads a count or size that another field holds, as the wire width QEMU gives it.</summary>
    public static int Count(long value, long offset)
    {
        if (value < 0 || value > int.MaxValue)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Count {value} is out of range"), offset);
        }

        return (int)value;
    }

    /// <summary>A count another field holds, checked for saving.</summary>
    public static int CountForSave(long value)
    {
        if (value < 0 || value > int.MaxValue)
        {
            VmStateThrow.SaveFailed(string.Create(CultureInfo.InvariantCulture, $"Count {value} is out of range"));
        }

        return (int)value;
    }

    /// <summary>Sets <c>array[start..start+length]</c> (clamped to the array) to <paramref name="value"/>.</summary>
    public static void Reset<T>(T[] array, int start, int length, T value)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (start >= array.Length)
        {
            return;
        }

        int n = (int)Math.Min((long)array.Length - start, length);
        array.AsSpan(start, n).Fill(value);
    }

    private static void ShortForSave<T>(T[]? array, int start, int length) =>
        VmStateThrow.SaveFailed(array is null
            ? "Array is null"
            : string.Create(CultureInfo.InvariantCulture, $"Array of {array.Length} element(s) is too short for [{start}, {start + (long)length})"));

    private static void ShortForLoad<T>(T[]? array, int start, int length, long offset) =>
        VmStateThrow.LoadFailed(array is null
            ? "Array is null"
            : string.Create(CultureInfo.InvariantCulture, $"Array of {array.Length} element(s) is too short for [{start}, {start + (long)length})"), offset);
}
