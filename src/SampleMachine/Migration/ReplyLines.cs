using System.Text;
using VmState.Wire;

namespace SampleMachine.Migration;

/// <summary>
/// The destination's reply lines (LOADED, HASH, FAILED ...), each at most <see cref="MigrationSource.MaxPeerLine"/>
/// bytes, read from what was already taken off the connection (after a return path's SHUT) and then the connection.
/// </summary>
internal sealed class ReplyLines(byte[] taken, Stream connection)
{
    private int _next;

    /// <summary>One line without its newline; null when the connection closed before any byte of it.</summary>
    /// <exception cref="MigrationPeerException">A line longer than the limit.</exception>
    public string? ReadLine()
    {
        var line = new StringBuilder();
        Span<byte> one = stackalloc byte[1];
        while (true)
        {
            if (_next < taken.Length)
            {
                one[0] = taken[_next++];
            }
            else if (connection.Read(one) == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            if (one[0] == (byte)'\n')
            {
                return line.ToString();
            }

            if (line.Length == MigrationSource.MaxPeerLine)
            {
                throw new MigrationPeerException($"The destination sent a reply line longer than {MigrationSource.MaxPeerLine} bytes: {PrintableText.Escape(line.ToString(0, 40))}...");
            }

            line.Append((char)one[0]);
        }
    }
}
