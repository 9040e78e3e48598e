using System.Text;

namespace SampleMachine.Cli;

/// <summary>
/// Collects text into 64 KiB chunks before passing each to an inner writer: <see cref="Console.Out"/> flushes on every
/// write, which for a large dump written a value at a time would be a system call per value.
/// </summary>
internal sealed class ChunkedWriter(TextWriter inner) : TextWriter
{
    private readonly char[] _chunk = new char[1 << 16];
    private int _used;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (_used == _chunk.Length)
        {
            Flush();
        }

        _chunk[_used++] = value;
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(ReadOnlySpan<char> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_used == _chunk.Length)
            {
                Flush();
            }

            int n = Math.Min(buffer.Length, _chunk.Length - _used);
            buffer[..n].CopyTo(_chunk.AsSpan(_used));
            _used += n;
            buffer = buffer[n..];
        }
    }

    public override void Flush()
    {
        inner.Write(_chunk, 0, _used);
        _used = 0;
        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }
}
