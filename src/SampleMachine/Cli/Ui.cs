using System.Diagnostics;
using System.Globalization;
using SampleMachine.Migration;
using Spectre.Console;

namespace SampleMachine.Cli;

/// <summary>Console output: Spectre.Console on a terminal, plain lines when redirected.</summary>
internal static class Ui
{
    public static bool Fancy => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Ansi;

    public static void Line(string text) => Console.WriteLine(text);

    /// <summary>The process's own <see cref="Console.Out"/>, set at start (not when the CLI runs inside a test).</summary>
    public static TextWriter? ProcessOut { get; set; }

    /// <summary>
    /// A writer for a large dump: straight to file descriptor 1 with a 64 KiB buffer when stdout is the process's own
    /// (Console.Out encodes and writes in small pieces), else chunks handed to whatever Console.Out is now.
    /// </summary>
    public static TextWriter OpenBulkOutput() => ProcessOut is not null && ReferenceEquals(Console.Out, ProcessOut)
        ? new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16)
        : new ChunkedWriter(Console.Out);

    /// <summary>Runs <paramref name="work"/> with a progress display fed by the callback it receives.</summary>
    public static T WithProgress<T>(string title, Func<Action<MigrationProgress>, T> work)
    {
        if (!Fancy)
        {
            // One line per pass with its measured figures, and a running line at most twice a second in long passes.
            var last = Stopwatch.StartNew();
            return work(p =>
            {
                if (p.PassComplete || last.ElapsedMilliseconds >= 500)
                {
                    last.Restart();
                    Line(Describe(p));
                }
            });
        }

        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(title, maxValue: 1);
                result = work(p =>
                {
                    double total = p.Transferred + p.Remaining;
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = p.Transferred;
                    task.Description = Markup.Escape(Short(p));
                });
                task.Value = task.MaxValue;

                // Its last figures were those before the switchover; the summary has the totals.
                task.Description = Markup.Escape(title + ": done");
            });
        return result;
    }

    // Fits beside the bar on an 80-column terminal; the plain lines carry every figure.
    private static string Short(MigrationProgress p) => string.Create(
        CultureInfo.InvariantCulture,
        $"{(p.Postcopy ? "postcopy" : "pass " + p.Iteration.ToString(CultureInfo.InvariantCulture))}: {SizeParser.Format(p.Transferred)} sent, {SizeParser.Format(p.Remaining)} left, {Dirty(p)}");

    // The dirty rate is measured at the end of a pass: before the first one ends there is none yet.
    private static string Dirty(MigrationProgress p) =>
        p.Iteration == 1 && !p.PassComplete ? "dirty rate after the first pass" : string.Create(CultureInfo.InvariantCulture, $"dirty {p.DirtyRate:0} pages/s");

    public static string Describe(MigrationProgress p)
    {
        if (p.Postcopy)
        {
            // After the switch the guest runs on the destination: what is left is the background pass, not dirt.
            return string.Create(
                CultureInfo.InvariantCulture,
                $"postcopy: sent {SizeParser.Format(p.Transferred)}, remaining {SizeParser.Format(p.Remaining)}, {SizeParser.Format(p.Bandwidth)}/s, ETA {(p.Bandwidth > 0 ? p.Eta.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-")}");
        }

        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"pass {p.Iteration}{(p.PassComplete ? " done" : "")}: sent {SizeParser.Format(p.Transferred)}, remaining {SizeParser.Format(p.Remaining)}, {Dirty(p)}, {SizeParser.Format(p.Bandwidth)}/s, ETA {(p.Bandwidth > 0 ? p.Eta.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-")}");
        return p.Throttle > 0 ? text + ", throttle " + p.Throttle.ToString("P0", CultureInfo.InvariantCulture) : text;
    }

    /// <summary>Prints QEMU's query-migrate figures.</summary>
    public static void Stats(MigrationStats s)
    {
        var rows = new List<(string, string)>
        {
            ("status", s.Completed ? "completed" : "failed: " + s.FailureReason),
            ("total time", Ms(s.TotalTime)),
            ("downtime", s.Completed ? Ms(s.Downtime) + $" (limit {Ms(s.DowntimeLimit)}{(s.DowntimeExceeded ? ", EXCEEDED" : "")}; estimated {Ms(s.EstimatedDowntime)})" : "-"),
            ("setup", Ms(s.SetupTime)),
            ("transferred", SizeParser.Format(s.Transferred)),
            ("throughput", SizeParser.Format((long)(s.Mbps * 1e6 / 8)) + "/s (" + s.Mbps.ToString("0.0", CultureInfo.InvariantCulture) + " Mbps, as QEMU's query-migrate)"),
            ("normal pages", s.NormalPages.ToString(CultureInfo.InvariantCulture)),
            ("zero pages", s.ZeroPages.ToString(CultureInfo.InvariantCulture)),
            ("dirty pages rate", s.DirtyPagesRate.ToString("0", CultureInfo.InvariantCulture) + " pages/s"),
            ("iterations", s.Iterations.ToString(CultureInfo.InvariantCulture)),
            ("throttle", s.Throttle.ToString("P0", CultureInfo.InvariantCulture)),
        };
        if (s.SwitchoverAckWait is { } ackWait)
        {
            rows.Add(("switchover ack", $"waited {Ms(ackWait)} after converging"));
        }

        if (s.Postcopy)
        {
            // Postcopy's pause ends when the destination has loaded the devices (its PONG to the package's PING).
            rows[2] = ("downtime", Ms(s.Downtime) + $" (limit {Ms(s.DowntimeLimit)}{(s.DowntimeExceeded ? ", EXCEEDED" : "")}; to the destination's start)");
            rows.Add(("postcopy", $"switched at {Ms(s.PostcopyStart)}, after {s.Iterations} precopy pass(es)"));
            rows.Add(("page requests", s.PostcopyRequests.ToString(CultureInfo.InvariantCulture)));
            rows.Add(("request latency", string.Create(CultureInfo.InvariantCulture, $"{s.PostcopyFaults} waits, mean {s.PostcopyMeanWait.TotalMilliseconds:0.00} ms, max {s.PostcopyMaxWait.TotalMilliseconds:0.00} ms")));
            rows.Add(("replayed steps", s.ReplayedSteps.ToString(CultureInfo.InvariantCulture)));
        }

        Table("migration", rows);
    }

    public static void Table(string title, IReadOnlyList<(string Key, string Value)> rows)
    {
        if (Fancy)
        {
            var table = new Table().Title(Markup.Escape(title)).AddColumn("").AddColumn("");
            table.HideHeaders();
            foreach ((string k, string v) in rows)
            {
                table.AddRow(Markup.Escape(k), Markup.Escape(v));
            }

            AnsiConsole.Write(table);
            return;
        }

        Line(title + ":");
        foreach ((string k, string v) in rows)
        {
            Line($"  {k,-18} {v}");
        }
    }

    public static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
