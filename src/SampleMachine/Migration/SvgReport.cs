using System.Globalization;
using System.Security;
using System.Text;

namespace SampleMachine.Migration;

/// <summary>
/// Draws a migration as a standalone SVG chart over time: bytes remaining (left axis, IEC units) and the guest's dirty
/// rate (right axis, pages/s) per pass with a marker at each pass's end, the switchover threshold (what fits in the
/// downtime limit at the pass's bandwidth), the achieved downtime as a band, the postcopy switch, and the run's
/// parameters in the caption.
/// </summary>
public static class SvgReport
{
    private const int Width = 880;
    private const int Height = 500;
    private const int Left = 84;
    private const int Right = 84;
    private const int Top = 78;
    private const int Bottom = 92;
    private const string RemainingColor = "#1f77b4";
    private const string DirtyColor = "#d62728";
    private const string ThresholdColor = "#2ca02c";
    private const string DowntimeColor = "#ff7f0e";

    private static double PlotWidth => Width - Left - Right;

    private static double PlotHeight => Height - Top - Bottom;

    /// <summary>The SVG text for <paramref name="stats"/>.</summary>
    public static string Render(MigrationStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        IReadOnlyList<IterationRecord> h = stats.History;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");

        // A migration that gave up had no downtime: the guest never stopped.
        string outcome = stats.Completed
            ? string.Create(CultureInfo.InvariantCulture, $"completed after {stats.Iterations} pass(es), downtime {stats.Downtime.TotalMilliseconds:0} ms (limit {stats.DowntimeLimit.TotalMilliseconds:0} ms)")
            : string.Create(CultureInfo.InvariantCulture, $"gave up after {stats.Iterations} pass(es); the source kept running");
        Text(svg, Left, 24, $"Live migration: {outcome}", "font-size=\"16\" font-weight=\"bold\"");
        Text(svg, Left, 44, Caption(stats), "fill=\"#444\"");

        double seconds = Math.Max(stats.TotalTime.TotalSeconds, h.Count > 0 ? h.Max(r => r.At.TotalSeconds) : 0);
        Axis time = Axis.For(seconds <= 0 ? 1 : seconds, 8);
        long maxRemaining = h.Count > 0 ? h.Max(r => Math.Max(r.RemainingBytes, Threshold(r, stats))) : 0;
        Axis bytes = Axis.For(Math.Max(1, maxRemaining) / (double)ByteUnit(maxRemaining).Size, 5);
        double maxRate = h.Count > 0 ? h.Max(r => r.DirtyPagesPerSecond) : 0;
        Axis rate = Axis.For(maxRate <= 0 ? 1 : maxRate, 5);

        Frame(svg, time, bytes, rate, ByteUnit(maxRemaining).Name);
        if (h.Count > 0)
        {
            double X(TimeSpan t) => Left + (PlotWidth * Math.Clamp(t.TotalSeconds / time.Max, 0, 1));
            double YBytes(long b) => Top + PlotHeight - (PlotHeight * Math.Clamp(b / (double)ByteUnit(maxRemaining).Size / bytes.Max, 0, 1));
            double YRate(double r) => Top + PlotHeight - (PlotHeight * Math.Clamp(r / rate.Max, 0, 1));

            Downtime(svg, stats, X);
            ThresholdSteps(svg, h, stats, X, YBytes);
            DirtySteps(svg, h, X, YRate);
            RemainingLine(svg, h, X, YBytes);
        }
        else
        {
            Text(svg, Left + (PlotWidth / 2), Top + (PlotHeight / 2), "no pass was recorded", "text-anchor=\"middle\" fill=\"#888\"");
        }

        Legend(svg);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    // What the switchover needs: the bytes the pass's bandwidth moves within the downtime limit.
    private static long Threshold(IterationRecord r, MigrationStats stats) =>
        (long)(r.BandwidthBytesPerSecond * stats.DowntimeLimit.TotalSeconds);

    private static string Caption(MigrationStats stats)
    {
        var parts = new List<string>();
        if (stats.RamBytes > 0)
        {
            parts.Add($"{Cli.SizeParser.Format(stats.RamBytes)} guest");
        }

        if (stats.Parameters is { } p)
        {
            parts.Add(p.Bandwidth > 0 ? $"bandwidth limit {Cli.SizeParser.Format(p.Bandwidth)}/s" : "bandwidth unlimited");
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"downtime limit {p.DowntimeLimitMs} ms"));
            parts.Add(p.AutoConverge ? "auto-converge" : string.Create(CultureInfo.InvariantCulture, $"at most {p.MaxIterations} passes"));
            if (p.Postcopy)
            {
                parts.Add("postcopy");
            }
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Cli.SizeParser.Format(stats.Transferred)} sent in {stats.TotalTime.TotalMilliseconds:0} ms"));
        return string.Join(" · ", parts);
    }

    private static void Frame(StringBuilder svg, Axis time, Axis bytes, Axis rate, string byteUnit)
    {
        double bottom = Top + PlotHeight;
        double right = Left + PlotWidth;
        for (int i = 0; i <= time.Ticks; i++)
        {
            double x = Left + (PlotWidth * i / time.Ticks);
            Line(svg, x, Top, x, bottom, "#e5e5e5");
            Line(svg, x, bottom, x, bottom + 5, "black");
            Text(svg, x, bottom + 19, time.Label(i), "text-anchor=\"middle\"");
        }

        for (int i = 0; i <= bytes.Ticks; i++)
        {
            double y = bottom - (PlotHeight * i / bytes.Ticks);
            Line(svg, Left, y, right, y, "#e5e5e5");
            Line(svg, Left - 5, y, Left, y, "black");
            Text(svg, Left - 8, y + 4, bytes.Label(i), $"text-anchor=\"end\" fill=\"{RemainingColor}\"");
        }

        for (int i = 0; i <= rate.Ticks; i++)
        {
            double y = bottom - (PlotHeight * i / rate.Ticks);
            Line(svg, right, y, right + 5, y, "black");
            Text(svg, right + 8, y + 4, rate.Label(i), $"fill=\"{DirtyColor}\"");
        }

        Line(svg, Left, bottom, right, bottom, "black");
        Line(svg, Left, Top, Left, bottom, "black");
        Line(svg, right, Top, right, bottom, "black");
        Text(svg, Left + (PlotWidth / 2), bottom + 40, "time since the migration started (s)", "text-anchor=\"middle\"");
        string middle = (Top + (PlotHeight / 2)).ToString("0.0", CultureInfo.InvariantCulture);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"22\" y=\"{middle}\" transform=\"rotate(-90 22 {middle})\" text-anchor=\"middle\" fill=\"{RemainingColor}\">remaining ({byteUnit})</text>\n");
        string rx = (Width - 18).ToString(CultureInfo.InvariantCulture);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{rx}\" y=\"{middle}\" transform=\"rotate(90 {rx} {middle})\" text-anchor=\"middle\" fill=\"{DirtyColor}\">dirty rate (pages/s)</text>\n");
    }

    private static void RemainingLine(StringBuilder svg, IReadOnlyList<IterationRecord> h, Func<TimeSpan, double> x, Func<long, double> y)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{RemainingColor}\" stroke-width=\"2.5\" points=\"");
        foreach (IterationRecord r in h)
        {
            svg.Append(CultureInfo.InvariantCulture, $"{x(r.At):0.0},{y(r.RemainingBytes):0.0} ");
        }

        svg.Append("\"/>\n");
        foreach (IterationRecord r in h)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x(r.At):0.0}\" cy=\"{y(r.RemainingBytes):0.0}\" r=\"4.5\" fill=\"{RemainingColor}\"/>\n");
            string label = r.Iteration == 0 ? "start" : string.Create(CultureInfo.InvariantCulture, $"pass {r.Iteration}");
            Text(svg, x(r.At) + 6, y(r.RemainingBytes) - 8, label, $"fill=\"{RemainingColor}\" font-size=\"11\"");
        }
    }

    // A pass's dirty rate holds for the whole pass: a step, square-marked at the pass's end.
    private static void DirtySteps(StringBuilder svg, IReadOnlyList<IterationRecord> h, Func<TimeSpan, double> x, Func<double, double> y)
    {
        for (int i = 1; i < h.Count; i++)
        {
            double x0 = x(h[i - 1].At);
            double x1 = x(h[i].At);
            double yy = y(h[i].DirtyPagesPerSecond);
            Line(svg, x0, yy, x1, yy, DirtyColor, "stroke-width=\"2\"");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x1 - 4:0.0}\" y=\"{yy - 4:0.0}\" width=\"8\" height=\"8\" fill=\"{DirtyColor}\"/>\n");
        }
    }

    private static void ThresholdSteps(StringBuilder svg, IReadOnlyList<IterationRecord> h, MigrationStats stats, Func<TimeSpan, double> x, Func<long, double> y)
    {
        for (int i = 1; i < h.Count; i++)
        {
            double yy = y(Threshold(h[i], stats));
            Line(svg, x(h[i - 1].At), yy, x(h[i].At), yy, ThresholdColor, "stroke-width=\"2\" stroke-dasharray=\"6 4\"");
        }
    }

    private static void Downtime(StringBuilder svg, MigrationStats stats, Func<TimeSpan, double> x)
    {
        if (stats.Postcopy)
        {
            double xs = x(stats.PostcopyStart);
            Line(svg, xs, Top, xs, Top + PlotHeight, "#9467bd", "stroke-width=\"2\" stroke-dasharray=\"2 3\"");
            Text(svg, xs + 4, Top + 28, "postcopy switch", "fill=\"#9467bd\"");
        }

        if (!stats.Completed)
        {
            return;
        }

        // The pause ends when the destination answered; a pause of a few ms still gets a visible band.
        TimeSpan stop = stats.Postcopy ? stats.PostcopyStart : stats.TotalTime - stats.Downtime;
        double x0 = x(stop);
        double width = Math.Max(3, x(stop + stats.Downtime) - x0);
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0:0.0}\" y=\"{Top}\" width=\"{width:0.0}\" height=\"{PlotHeight:0.0}\" fill=\"{DowntimeColor}\" fill-opacity=\"0.35\"/>\n");
        string label = string.Create(CultureInfo.InvariantCulture, $"downtime {stats.Downtime.TotalMilliseconds:0} ms (limit {stats.DowntimeLimit.TotalMilliseconds:0} ms)");
        Text(svg, x0 - 6, Top + (PlotHeight * 0.45), label, $"text-anchor=\"end\" fill=\"{DowntimeColor}\" font-weight=\"bold\"");
    }

    private static void Legend(StringBuilder svg)
    {
        double y = Height - 22;
        double x = Left;
        (string Color, string Text, string Dash)[] items =
        [
            (RemainingColor, "remaining after each pass", ""),
            (DirtyColor, "dirty rate of the pass", ""),
            (ThresholdColor, "what fits in the downtime limit", " stroke-dasharray=\"6 4\""),
        ];
        foreach ((string color, string text, string dash) in items)
        {
            Line(svg, x, y - 4, x + 24, y - 4, color, "stroke-width=\"2.5\"" + dash);
            Text(svg, x + 30, y, text, "");
            x += 44 + (text.Length * 6.8);
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.0}\" y=\"{y - 10:0.0}\" width=\"14\" height=\"12\" fill=\"{DowntimeColor}\" fill-opacity=\"0.35\"/>\n");
        Text(svg, x + 20, y, "downtime", "");
    }

    private static (string Name, long Size) ByteUnit(long max) => max switch
    {
        >= 1L << 30 => ("GiB", 1L << 30),
        >= 1L << 20 => ("MiB", 1L << 20),
        >= 1L << 10 => ("KiB", 1L << 10),
        _ => ("bytes", 1),
    };

    private static void Line(StringBuilder svg, double x1, double y1, double x2, double y2, string color, string extra = "") =>
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1:0.0}\" y1=\"{y1:0.0}\" x2=\"{x2:0.0}\" y2=\"{y2:0.0}\" stroke=\"{color}\" {extra}/>\n");

    private static void Text(StringBuilder svg, double x, double y, string text, string attributes) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.0}\" y=\"{y:0.0}\" {attributes}>{SecurityElement.Escape(text)}</text>\n");

    // An axis from 0 to a round maximum in steps of 1, 2 or 5 times a power of ten.
    private readonly record struct Axis(double Max, double Step, int Ticks)
    {
        public static Axis For(double max, int targetTicks)
        {
            double raw = max / targetTicks;
            double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            double m = raw / magnitude;
            double step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * magnitude;
            int ticks = Math.Max(1, (int)Math.Ceiling((max / step) - 1e-9));
            return new Axis(step * ticks, step, ticks);
        }

        public string Label(int i)
        {
            double v = Step * i;
            int decimals = Step >= 1 ? 0 : (int)Math.Ceiling(-Math.Log10(Step) - 1e-9);
            return v.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
    }
}
