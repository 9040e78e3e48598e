using System.Globalization;
using VmState.Wire;

namespace SampleMachine.Migration;

/// <summary>
/// The destination's last reply line: <c>HASH &lt;sha256&gt;</c>, and after postcopy
/// <c> STEPS n FAULTS f WAIT-US w MAX-US m</c>: how many steps its guest had taken in all, and how many of its
/// accesses waited for a page, for how long in all and at most (microseconds).
/// </summary>
internal sealed record HashReply(string Hash, long Steps, long Faults, long WaitMicroseconds, long MaxWaitMicroseconds)
{
    public string Format() => Steps < 0
        ? "HASH " + Hash
        : string.Create(CultureInfo.InvariantCulture, $"HASH {Hash} STEPS {Steps} FAULTS {Faults} WAIT-US {WaitMicroseconds} MAX-US {MaxWaitMicroseconds}");

    /// <summary>The reply in <paramref name="line"/>; null for no line or one that is not a HASH line.</summary>
    /// <exception cref="MigrationPeerException">A HASH line whose figures do not parse.</exception>
    public static HashReply? Parse(string? line)
    {
        if (line is null || !line.StartsWith("HASH ", StringComparison.Ordinal))
        {
            return null;
        }

        string[] words = line[5..].Split(' ');
        if (words.Length == 1)
        {
            return new HashReply(words[0], -1, 0, 0, 0);
        }

        if (words.Length != 9 || words[1] != "STEPS" || words[3] != "FAULTS" || words[5] != "WAIT-US" || words[7] != "MAX-US"
            || !long.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out long steps)
            || !long.TryParse(words[4], NumberStyles.None, CultureInfo.InvariantCulture, out long faults)
            || !long.TryParse(words[6], NumberStyles.None, CultureInfo.InvariantCulture, out long wait)
            || !long.TryParse(words[8], NumberStyles.None, CultureInfo.InvariantCulture, out long max))
        {
            throw new MigrationPeerException($"The destination sent a HASH line that does not parse: {PrintableText.Escape(line)}");
        }

        return new HashReply(words[0], steps, faults, wait, max);
    }
}
