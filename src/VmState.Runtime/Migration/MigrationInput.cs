using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// The loader's view of its input: the bytes received and not yet consumed. Over memory everything is there at once;
/// over a <see cref="Stream"/> the loader asks for more when a frame runs past what has arrived, and parses the frame
/// again from its start.
/// </summary>
internal sealed class MigrationInput
{
    private const int InitialBuffer = 1 << 16;
    private const int MaxRead = 1 << 20;

    private readonly Stream? _stream;
    private readonly int _maxFrame;
    private ReadOnlyMemory<byte> _memory;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _eof;

    public MigrationInput(ReadOnlyMemory<byte> data)
    {
        _memory = data;
        _eof = true;
    }

    public MigrationInput(Stream stream, int maxFrame)
    {
        _stream = stream;
        _maxFrame = maxFrame;
        _buffer = new byte[InitialBuffer];
    }

    /// <summary>Stream offset of the first unconsumed byte.</summary>
    public long Offset => _bufferOffset + _start;

    /// <summary>True when no more bytes can arrive.</summary>
    public bool AtEnd => _eof;

    public ReadOnlySpan<byte> Available => _stream is null ? _memory.Span[_start..] : _buffer.AsSpan(_start, _end - _start);

    public void Consume(long count)
    {
        _start += checked((int)count);
    }

    /// <summary>
    /// Reads until at least <paramref name="atLeast"/> more bytes have arrived (or the stream ends). False when
    /// nothing more came.
    /// </summary>
    public bool ReadMore(long atLeast = 1)
    {
        long got = 0;
        do
        {
            int n = ReadOnce();
            if (n == 0)
            {
                break;
            }

            got += n;
        }
        while (got < atLeast);

        return got > 0;
    }

    /// <summary>
    /// Makes room for at least as many bytes again as are buffered now (at least 64 KiB) and reads what has arrived;
    /// 0 when the stream has ended.
    /// </summary>
    private int ReadOnce()
    {
        if (_stream is null || _eof)
        {
            return 0;
        }

        int buffered = _end - _start;
        int want = Math.Max(InitialBuffer, buffered);
        if (buffered + want > _buffer.Length - _start)
        {
            if (buffered + want > _buffer.Length)
            {
                if (buffered >= _maxFrame)
                {
                    VmStateThrow.LoadFailed($"A frame is larger than the {_maxFrame}-byte limit for streamed input", Offset);
                }

                var bigger = new byte[Math.Min((long)_maxFrame + InitialBuffer, (long)(buffered + want) * 2)];
                _buffer.AsSpan(_start, buffered).CopyTo(bigger);
                _buffer = bigger;
            }
            else
            {
                _buffer.AsSpan(_start, buffered).CopyTo(_buffer);
            }

            _bufferOffset += _start;
            _start = 0;
            _end = buffered;
        }

        // One read: it returns what has arrived (a socket's peer may be waiting for our answer, so never ask for more
        // than it sent). The buffer has room for at least as much again as is buffered, so reads grow with the frame.
        // At most 1 MiB a read: from a file, the kernel's read-ahead then keeps the disk busy while a frame parses.
        int got = _stream.Read(_buffer.AsSpan(_end, Math.Min(_buffer.Length - _end, MaxRead)));
        _end += got;
        if (got == 0)
        {
            _eof = true;
        }

        return got;
    }
}
