using System.Globalization;

namespace SampleMachine.Cli;

/// <summary>Parses sizes and rates with K/M/G/T suffixes (powers of 1024), as QEMU's command line does.</summary>
public static class SizeParser
{
    /// <summary>Parses "256M", "1G", "4096", "100k"; throws <see cref="FormatException"/> with the text when invalid.</summary>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t.EndsWith('B') || t.EndsWith('b'))
        {
            t = t[..^1];
        }

        long unit = 1;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            unit = char.ToUpperInvariant(t[^1]) switch
            {
                'K' => 1L << 10,
                'M' => 1L << 20,
                'G' => 1L << 30,
                'T' => 1L << 40,
                _ => throw NotASize(text),
            };
            t = t[..^1];
        }

        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 0))
        {
            throw NotASize(text);
        }

        // Comparing as doubles first: a cast of a value past long's range (or of infinity) would throw OverflowException.
        double bytes = Math.Floor(value * unit);
        if (!(bytes < 9223372036854775808.0))
        {
            throw new FormatException($"'{text}' is not a size this program can hold (at most 8 EiB)");
        }

        return (long)bytes;
    }

    private static FormatException NotASize(string text) =>
        new($"'{text}' is not a size (a number with an optional K, M, G or T suffix: 4096, 64K, 256M, 1G)");

    /// <summary>Formats bytes exactly in the largest unit that divides them (16 GiB, 4 KiB, 1000 B), for limits.</summary>
    public static string FormatExact(long bytes)
    {
        foreach ((int shift, string unit) in (ReadOnlySpan<(int, string)>)[(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")])
        {
            if (bytes != 0 && bytes % (1L << shift) == 0)
            {
                return (bytes >> shift).ToString(CultureInfo.InvariantCulture) + " " + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + " B";
    }

    /// <summary>Formats bytes as a short human figure (KiB/MiB/GiB).</summary>
    public static string Format(double bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
    };
}
