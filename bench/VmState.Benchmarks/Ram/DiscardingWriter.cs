using System.Buffers;

namespace VmState.Benchmarks.Ram;

/// <summary>
/// The null sink: an <see cref="IBufferWriter{T}"/> over one reused buffer whose contents are dropped when it fills,
/// so a save to it costs what producing the bytes in memory costs, and nothing after.
/// </summary>
public sealed class DiscardingWriter(int bufferSize = 1 << 20) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _used;

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The reused buffer (a raw copy writes through it too).</summary>
    public Span<byte> Buffer => _buffer;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        _used += count;
        BytesWritten += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(Room(sizeHint));

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(Room(sizeHint));

    /// <summary>Forgets the count (between runs).</summary>
    public void Reset() => (BytesWritten, _used) = (0, 0);

    private int Room(int sizeHint)
    {
        if (_buffer.Length - _used < Math.Max(sizeHint, 1))
        {
            _used = 0;
        }

        return _used;
    }
}
