using System.Globalization;
using System.Text;

namespace SampleMachine.Migration;

/// <summary>Draws remaining bytes and dirty rate per iteration as a small standalone SVG chart.</summary>
public static class SvgReport
{
    private const int Width = 640;
    private const int Height = 320;
    private const int Margin = 48;

    /// <summary>The SVG text for <paramref name="stats"/>.</summary>
    public static string Render(MigrationStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        IReadOnlyList<IterationRecord> h = stats.History;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        // A migration that gave up had no downtime: the guest never stopped.
        string outcome = stats.Completed
            ? string.Create(CultureInfo.InvariantCulture, $"completed after {stats.Iterations} pass(es), downtime {stats.Downtime.TotalMilliseconds:0} ms (limit {stats.DowntimeLimit.TotalMilliseconds:0} ms)")
            : string.Create(CultureInfo.InvariantCulture, $"gave up after {stats.Iterations} pass(es); the source kept running");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"20\" font-size=\"14\">Live migration: {outcome}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Height - Margin}\" x2=\"{Width - Margin}\" y2=\"{Height - Margin}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Margin}\" x2=\"{Margin}\" y2=\"{Height - Margin}\" stroke=\"black\"/>\n");
        if (h.Count > 0)
        {
            double maxRemaining = Math.Max(1, h.Max(r => r.RemainingBytes));
            double maxRate = Math.Max(1, h.Max(r => r.DirtyPagesPerSecond));
            Series(svg, h, r => r.RemainingBytes / maxRemaining, "#1f77b4");
            Series(svg, h, r => r.DirtyPagesPerSecond / maxRate, "#d62728");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + 8}\" y=\"{Margin - 8}\" fill=\"#1f77b4\">remaining (max {maxRemaining / (1 << 20):0.0} MiB)</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"{Margin - 8}\" fill=\"#d62728\">dirty rate (max {maxRate:0} pages/s)</text>\n");
            for (int i = 0; i < h.Count; i++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(i, h.Count):0.0}\" y=\"{Height - Margin + 16}\" text-anchor=\"middle\">{h[i].Iteration}</text>\n");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">iteration</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static double X(int i, int count) => Margin + ((Width - (2.0 * Margin)) * (count == 1 ? 0.5 : i / (double)(count - 1)));

    private static void Series(StringBuilder svg, IReadOnlyList<IterationRecord> h, Func<IterationRecord, double> value, string color)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < h.Count; i++)
        {
            double y = Height - Margin - ((Height - (2.0 * Margin)) * value(h[i]));
            svg.Append(CultureInfo.InvariantCulture, $"{X(i, h.Count):0.0},{y:0.0} ");
        }

        svg.Append("\"/>\n");
    }
}
