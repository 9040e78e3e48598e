namespace VmState.Tests.Support;

/// <summary>
/// A read-only stream over bytes for tests of streamed input: reads return pieces of random size (as a socket's do),
/// pieces of at most <see cref="Piece"/> bytes, or whole requests (as a file's do) when neither is given; optionally
/// zeros for ever after the bytes, and optionally not seekable. Linked into the other projects that need it.
/// </summary>
internal sealed class PieceStream(byte[] data, int? seed = null, int maxPiece = 256 << 10) : Stream
{
    private readonly Random? _random = seed is int s ? new Random(s) : null;
    private long _position;

    /// <summary>At most this many bytes a read (a slow socket), when set.</summary>
    public int? Piece { get; init; }

    /// <summary>After the bytes, zeros for ever instead of the end of the stream.</summary>
    public bool Endless { get; init; }

    /// <summary>Whether it can seek (never when <see cref="Endless"/>).</summary>
    public bool Seekable { get; init; } = true;

    /// <summary>How many reads were served.</summary>
    public int Reads { get; private set; }

    /// <summary>How many bytes were served.</summary>
    public long Served => _position;

    public override bool CanRead => true;

    public override bool CanSeek => Seekable && !Endless;

    public override bool CanWrite => false;

    public override long Length => CanSeek ? data.Length : throw new NotSupportedException();

    public override long Position
    {
        get => CanSeek ? _position : throw new NotSupportedException();
        set => _position = CanSeek ? value : throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        int n = Piece is int piece ? Math.Min(buffer.Length, piece)
            : _random is null ? buffer.Length
            : Math.Min(buffer.Length, 1 + _random.Next(maxPiece));
        if (!Endless)
        {
            n = (int)Math.Min(n, data.Length - _position);
        }

        buffer[..n].Clear();
        if (_position < data.Length)
        {
            int fromData = (int)Math.Min(n, data.Length - _position);
            data.AsSpan((int)_position, fromData).CopyTo(buffer);
        }

        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => data.Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
