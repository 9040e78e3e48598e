using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// The source's side of QEMU's return path: reads the destination's messages (PONG, REQ_PAGES, SHUT ...) one at a
/// time off the migration connection, buffering at most one message (and a RECV_BITMAP's bitmap, bounded).
/// </summary>
public sealed class ReturnPathReader(Stream connection, int maxMessage = 1 << 20)
{
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    /// <summary>Bytes taken off the connection so far (for error offsets).</summary>
    public long Offset { get; private set; }

    /// <summary>
    /// The next message; null when the connection ended between two messages. Bytes after a SHUT are not read (our
    /// destination puts its reply lines there).
    /// </summary>
    /// <exception cref="VmStateLoadException">A malformed message, one past <c>maxMessage</c> bytes, or a connection that
    /// ended inside one.</exception>
    public ReturnPathMessage? Read(bool allowSwitchoverAck = false)
    {
        while (true)
        {
            if (_end > _start)
            {
                var reader = new VmStateReader(_buffer.AsSpan(_start, _end - _start), Offset);
                try
                {
                    ReturnPathMessage message = ReturnPathMessage.Read(ref reader, allowSwitchoverAck);
                    int used = (int)(reader.Position - Offset);
                    _start += used;
                    Offset += used;
                    return message;
                }
                catch (VmStateLoadException e) when (e.IsEndOfInput)
                {
                    // Cut by the read: fetch the rest below.
                }
            }

            if (_end - _start >= maxMessage)
            {
                throw new VmStateLoadException($"A return-path message runs past {maxMessage} bytes", Offset);
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxMessage + 8));
            }

            int n = connection.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new VmStateLoadException($"The return path ended inside a message ({_end - _start} bytes of it came)", Offset) { IsEndOfInput = true };
            }

            _end += n;
        }
    }

    /// <summary>Bytes read past the last message (e.g. the start of reply lines after SHUT).</summary>
    public ReadOnlySpan<byte> Leftover => _buffer.AsSpan(_start, _end - _start);
}
