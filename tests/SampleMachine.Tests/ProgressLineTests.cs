using SampleMachine.Cli;
using SampleMachine.Migration;

namespace SampleMachine.Tests;

/// <summary>The progress lines and the summary say what a reader can trust, in one unit system.</summary>
public sealed class ProgressLineTests
{
    [Fact]
    public void The_first_pass_says_its_dirty_rate_comes_later_and_a_finished_pass_says_done()
    {
        string running = Ui.Describe(new MigrationProgress(1, 6 << 20, 26 << 20, 0, 16 << 20, 0));
        string done = Ui.Describe(new MigrationProgress(1, 32 << 20, 22 << 20, 2884, 16 << 20, 0, PassComplete: true));
        string second = Ui.Describe(new MigrationProgress(2, 40 << 20, 14 << 20, 2884, 16 << 20, 0));

        Assert.Equal("pass 1: sent 6.0 MiB, remaining 26.0 MiB, dirty rate after the first pass, 16.0 MiB/s, ETA 1.6 s", running);
        Assert.Equal("pass 1 done: sent 32.0 MiB, remaining 22.0 MiB, dirty 2884 pages/s, 16.0 MiB/s, ETA 1.4 s", done);
        Assert.StartsWith("pass 2: sent 40.0 MiB, remaining 14.0 MiB, dirty 2884 pages/s", second, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_gives_throughput_in_bytes_per_second_with_qemus_mbps_beside_it()
    {
        var stats = new MigrationStats { Completed = true, TotalTime = TimeSpan.FromSeconds(2), Transferred = 32L << 20 };
        using var output = new StringWriter();
        TextWriter before = Console.Out;
        Console.SetOut(output);
        try
        {
            Ui.Stats(stats);
        }
        finally
        {
            Console.SetOut(before);
        }

        Assert.Contains("  throughput         16.0 MiB/s (134.2 Mbps, as QEMU's query-migrate)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_reports_title_gives_a_completed_runs_downtime_beside_its_limit_and_none_for_a_run_that_gave_up()
    {
        var completed = new MigrationStats { Completed = true, Iterations = 2, Downtime = TimeSpan.FromMilliseconds(41), DowntimeLimit = TimeSpan.FromMilliseconds(300) };
        var failed = new MigrationStats { Completed = false, Iterations = 5, FailureReason = "did not converge" };

        Assert.Contains("Live migration: completed after 2 pass(es), downtime 41 ms (limit 300 ms)", SvgReport.Render(completed), StringComparison.Ordinal);
        string gaveUp = SvgReport.Render(failed);
        Assert.Contains("Live migration: gave up after 5 pass(es); the source kept running", gaveUp, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"downtime \d+ ms", gaveUp);
    }
}
