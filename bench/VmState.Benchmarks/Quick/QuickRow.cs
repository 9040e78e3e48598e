using System.Globalization;
using VmState.Benchmarks.Ram;

namespace VmState.Benchmarks.Quick;

/// <summary>One figure of the quick mode: ours beside its anchor, every repetition kept so the spread shows.</summary>
public sealed record QuickRow(string Name, string Unit, IReadOnlyList<double> Ours, IReadOnlyList<double> Anchor, string AnchorName, bool HigherIsBetter)
{
    /// <summary>What the first column measures.</summary>
    public string OursName { get; init; } = "ours";

    /// <summary>Median of ours ÷ median of the anchor (throughputs: ours/anchor; times: ours/anchor as well).</summary>
    public double Ratio => Median(Ours) / Median(Anchor);

    /// <summary>A throughput row (guest bytes per second) from timed transfers.</summary>
    public static QuickRow Throughput(string name, IReadOnlyList<Transfer> ours, IReadOnlyList<Transfer> raw) =>
        new(name + "-raw", "GiB/s", [.. ours.Select(t => t.GuestBytesPerSecond / (1 << 30))], [.. raw.Select(t => t.GuestBytesPerSecond / (1 << 30))], "raw copy", HigherIsBetter: true);

    /// <summary>The median of a list (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>"a / b / c" for up to three runs; "median (min–max)" for more.</summary>
    public static string Runs(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        string format = values.Count > 0 && values.Max() >= 100 ? "0" : values.Count > 0 && values.Max() >= 10 ? "0.0" : "0.00";
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        return values.Count <= 3
            ? string.Join(" / ", values.Select(F))
            : $"{F(Median(values))} ({F(values.Min())}–{F(values.Max())}, {values.Count} runs)";
    }
}
