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

        // Most headers lie whole in the current span: match them in place, without copying.
        ReadOnlySpan<byte> unread = reader.UnreadInSpan;
        if (unread.Length >= 2 && unread[0] == (byte)QemuSectionType.Subsection && unread.Length >= 2 + unread[1] + 4)
        {
            return MatchInPlace(ref reader, unread, parent, names, ref next, out index, out version);
        }

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

        if (!Ascii.Equals(head.Slice(2, parent.Length), parent))
        {
            return false;
        }

        index = Find(head.Slice(2, length), parent, names, ref next, reader.Position);
        reader.Skip(2 + length);
        version = (byte)reader.ReadUInt32();
        return true;
    }

    private static bool MatchInPlace(ref VmStateReader reader, ReadOnlySpan<byte> unread, string parent, string[] names, ref int next, out int index, out int version)
    {
        int length = unread[1];
        index = -1;
        version = 0;
        if (length < parent.Length + 1 || !Ascii.Equals(unread.Slice(2, parent.Length), parent))
        {
            return false;
        }

        index = Find(unread.Slice(2, length), parent, names, ref next, reader.Position);
        version = unread[2 + length + 3];
        reader.Skip(2 + length + 4);
        return true;
    }

    // The index of the subsection called name, searched from next on; an unknown name is an error.
    private static int Find(ReadOnlySpan<byte> name, string parent, string[] names, ref int next, long position)
    {
        int start = (uint)next < (uint)names.Length ? next : 0;
        for (int k = 0; k < names.Length; k++)
        {
            int i = start + k < names.Length ? start + k : start + k - names.Length;
            if (names[i].Length == name.Length && Ascii.Equals(name, names[i]))
            {
                next = i + 1;
                return i;
            }
        }

        VmStateThrow.LoadFailed($"Subsection '{PrintableText.Escape(name)}' does not exist in '{PrintableText.Escape(parent)}'", position);
        return -1;
    }
}
