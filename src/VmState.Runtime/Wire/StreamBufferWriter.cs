using System.Buffers;

namespace VmState.Wire;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over a <see cref="Stream"/> (a file or a socket): bytes collect in one reused
/// buffer and go to the stream when it fills or on <see cref="Flush"/>. No allocation after construction, except
/// when a single request is larger than the buffer.
/// </summary>
public sealed class StreamBufferWriter : IBufferWriter<byte>
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _used;

    /// <summary>A writer with a buffer of <paramref name="bufferSize"/> bytes.</summary>
    public StreamBufferWriter(Stream stream, int bufferSize = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 4096);
        _stream = stream;
        _buffer = new byte[bufferSize];
    }

    /// <summary>Bytes handed to the stream so far plus those buffered.</summary>
    public long BytesWritten { get; private set; }

    /// <inheritdoc/>
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _used))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _used += count;
        BytesWritten += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_used);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_used);
    }

    /// <summary>Writes the buffered bytes to the stream and flushes it.</summary>
    public void Flush()
    {
        WriteOut();
        _stream.Flush();
    }

    private void Reserve(int sizeHint)
    {
        int need = Math.Max(sizeHint, 1);
        if (_buffer.Length - _used >= need)
        {
            return;
        }

        WriteOut();
        if (_buffer.Length < need)
        {
            _buffer = new byte[need];
        }
    }

    private void WriteOut()
    {
        if (_used > 0)
        {
            _stream.Write(_buffer, 0, _used);
            _used = 0;
        }
    }
}
