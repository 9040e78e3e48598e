using System.Buffers;
using VmState.Description;

namespace VmState.Runtime.Tests.Wire;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/> inputs.</summary>
internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public Segment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new Segment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}

internal static class Segments
{
    /// <summary>A sequence over copies of <paramref name="data"/> in chunks of the given sizes (cycled; 0 = an empty segment).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] chunkSizes)
    {
        var first = new Segment(ReadOnlyMemory<byte>.Empty, 0);
        Segment last = first;
        int offset = 0;
        for (int i = 0; offset < data.Length || i == 0; i++)
        {
            int size = Math.Min(chunkSizes[i % chunkSizes.Length], data.Length - offset);
            last = last.Append(data.AsSpan(offset, size).ToArray());
            offset += size;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
