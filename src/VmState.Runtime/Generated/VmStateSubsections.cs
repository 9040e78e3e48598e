using System.ComponentModel;
using System.Text;
using VmState.Wire;

namespace VmState.Generated;

/// <summary>QEMU's rules for finding the next subsection of a body on load (notes §2.9).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class VmStateSubsections
{
    /// <summary>
    /// Looks at the next bytes. Returns false (consuming nothing) unless they are a subsection marker whose name
    /// starts with <paramref name="parent"/>: the caller then goes on with what follows its body. A name with the
    /// prefix that is not one of <paramref name="names"/> is an error naming it. Otherwise consumes the header and
    /// returns the subsection's index and incoming version (only its low byte, as QEMU reads it).
    /// </summary>
    public static bool TryReadHeader(ref VmStateReader reader, string parent, string[] names, out int index, out int version)
    {
        int next = 0;
        return TryReadHeader(ref reader, parent, names, ref next, out index, out version);
    }

    /// <summary>
    /// As the other overload, searching the names from <paramref name="next"/> on (wrapping round) and leaving it
    /// after the match: subsections come in their save order, so a body with many finds each at the first look.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public static bool TryReadHeader(ref VmStateReader reader, string parent, string[] names, ref int next, out int index, out int version)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(names);
        index = -1;
        version = 0;
        if (reader.PeekByte() != (int)QemuSectionType.Subsection)
        {
            return false;
        }

        // A marker whose header runs past the end is reported as truncation (not "no subsection"), so that a network
        // loader waits for the rest instead of misreading what follows.
        Span<byte> head = stackalloc byte[2 + 255];
        if (!reader.TryPeek(head[..2]))
        {
            VmStateThrow.Truncated(reader.Position, 2, reader.Remaining);
        }

        int length = head[1];
        if (length < parent.Length + 1)
        {
            return false;
        }

        if (!reader.TryPeek(head[..(2 + length)]))
        {
            VmStateThrow.Truncated(reader.Position, 2 + length, reader.Remaining);
        }

        ReadOnlySpan<byte> name = head.Slice(2, length);
        if (!Ascii.Equals(name[..parent.Length], parent))
        {
            return false;
        }

        int start = (uint)next < (uint)names.Length ? next : 0;
        for (int k = 0; k < names.Length; k++)
        {
            int i = start + k < names.Length ? start + k : start + k - names.Length;
            if (names[i].Length == length && Ascii.Equals(name, names[i]))
            {
                index = i;
                next = i + 1;
                break;
            }
        }

        if (index < 0)
        {
            VmStateThrow.LoadFailed($"Subsection '{PrintableText.Escape(name)}' does not exist in '{PrintableText.Escape(parent)}'", reader.Position);
        }

        reader.Skip(2 + length);
        version = (byte)reader.ReadUInt32();
        return true;
    }
}
