using System.Diagnostics;
using System.Net;
using SampleMachine.Cli;
using SampleMachine.Machine;
using SampleMachine.Migration;

namespace SampleMachine.Tests;

/// <summary>
/// Postcopy between two processes: a guest that dirties pages faster than the link moves anyway, runs on the
/// destination at once and fetches the pages it touches first; a drop after the switch pauses both sides, one before
/// it leaves the source running.
/// </summary>
public sealed class PostcopyMigrationTests
{
    private const string Waiting = "waiting for a migration on ";

    // Every page holds data and the guest dirties 20,000 pages/s, 2.5x the link: precopy alone never converges.
    private static readonly string[] Workload =
        ["--memory", "8M", "--fill", "1", "--dirty-rate", "20000", "--bandwidth", "8M", "--warmup", "0", "--postcopy", "--postcopy-bandwidth", "4M"];

    [Fact]
    public async Task A_workload_precopy_cannot_move_moves_with_postcopy_and_both_print_the_same_hash()
    {
        await using var incoming = await Incoming.Start();

        (int rc, string output, string errors) = InProcessCli.Run(["migrate", "--to", "127.0.0.1:" + incoming.Port, .. Workload]);
        (int destinationRc, string destinationOutput, string destinationErrors) = await incoming.Exit();

        Assert.True(rc == ExitCodes.Ok, output + errors);
        Assert.True(destinationRc == ExitCodes.Ok, destinationOutput + destinationErrors);
        string hash = Line(output, "state sha256: ");
        Assert.Equal(hash, Line(destinationOutput, "state sha256: "));
        Assert.Contains("postcopy: the guest ran from POSTCOPY_RUN on", destinationOutput, StringComparison.Ordinal);

        // The guest on the destination asked for pages, and the source answered them ahead of its background pass.
        long requests = long.Parse(Row(output, "page requests"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(requests > 0, output);
        Assert.Contains("switched at", Row(output, "postcopy"), StringComparison.Ordinal);
        Assert.Matches(@"^\d+ waits, mean \d+\.\d\d ms, max \d+\.\d\d ms$", Row(output, "request latency"));
    }

    [Theory]
    [InlineData(24)] // the first byte after PONG 3 (the package's PING): PONG 4 or a page request, both after RUN
    [InlineData(24 + 8 + 200)] // amid the page requests
    [InlineData(24 + 8 + 4000)] // later, deep in the background pass
    public async Task A_drop_after_the_switch_pauses_both_sides_and_migrate_resume_completes_it_with_equal_hashes(long returnPathBytes)
    {
        await using var incoming = await Incoming.Start();
        using var proxy = new FaultProxy(_ => new IPEndPoint(IPAddress.Loopback, incoming.Port), _ => new LinkFault(FaultKind.Cut, Direction.ToSource, returnPathBytes));
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-postcopy-{Guid.NewGuid():N}.vmsnap");
        try
        {
            (int rc, string output, string errors) = InProcessCli.Run(["migrate", "--to", "127.0.0.1:" + proxy.Port, .. Workload, "--save-on-failure", file]);

            Assert.True(rc == ExitCodes.PostcopyPaused, output + errors);
            Assert.Contains("the source keeps its copy paused", errors, StringComparison.Ordinal);

            // The source's copy, as it was at the switch, is saved and is the one whose hash it printed.
            using (var saved = new VirtualMachine(8L << 20))
            {
                saved.LoadSnapshot(file);
                Assert.Equal(Line(output, "state sha256: "), saved.StateHash());
            }

            // The destination still runs its guest and waits; the saved copy, resumed, sends what it misses.
            (int resumedRc, string resumed, string resumeErrors) = InProcessCli.Run(["migrate", "--resume", file, "--to", "127.0.0.1:" + incoming.Port, "--memory", "8M", "--postcopy-bandwidth", "4M"]);
            (int destinationRc, string destinationOutput, string destinationErrors) = await incoming.Exit();

            Assert.True(resumedRc == ExitCodes.Ok, resumed + resumeErrors);
            Assert.True(destinationRc == ExitCodes.Ok, destinationOutput + destinationErrors);
            Assert.Contains("Postcopy paused: ", destinationErrors, StringComparison.Ordinal);
            Assert.Contains("resume it with migrate --resume", destinationErrors, StringComparison.Ordinal);
            Assert.Contains("postcopy resumed 1 time(s)", destinationOutput, StringComparison.Ordinal);
            Assert.Equal(Line(resumed, "state sha256: "), Line(destinationOutput, "state sha256: "));

            // Only what the destination lacked went again: less than the whole RAM.
            Assert.True(ParseMiB(Row(resumed, "transferred")) < 8, resumed);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_paused_destination_gives_up_after_its_resume_timeout_and_says_neither_side_can_run_alone()
    {
        await using var incoming = await Incoming.Start("--resume-timeout", "1");
        using var proxy = new FaultProxy(_ => new IPEndPoint(IPAddress.Loopback, incoming.Port), _ => new LinkFault(FaultKind.Cut, Direction.ToSource, 24));
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-postcopy-{Guid.NewGuid():N}.vmsnap");
        try
        {
            (int rc, string output, string errors) = InProcessCli.Run(["migrate", "--to", "127.0.0.1:" + proxy.Port, .. Workload, "--save-on-failure", file]);
            (int destinationRc, string destinationOutput, string destinationErrors) = await incoming.Exit();

            Assert.True(rc == ExitCodes.PostcopyPaused, output + errors);
            Assert.True(destinationRc == ExitCodes.PostcopyPaused, destinationOutput + destinationErrors);
            Assert.Contains("neither side can run it alone", destinationErrors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_resume_with_no_destination_is_still_paused_and_keeps_its_file()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-postcopy-{Guid.NewGuid():N}.vmsnap");
        try
        {
            using (var machine = new VirtualMachine(8L << 20))
            {
                machine.FillRandom(1, 0.5);
                machine.SaveSnapshot(file);
            }

            byte[] before = File.ReadAllBytes(file);
            using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            closed.Start();
            int port = ((IPEndPoint)closed.LocalEndpoint).Port;
            closed.Stop();

            (int rc, string output, string errors) = InProcessCli.Run(["migrate", "--resume", file, "--to", "127.0.0.1:" + port, "--memory", "8M", "--idle-timeout", "2"]);

            Assert.True(rc == ExitCodes.PostcopyPaused, output + errors);
            Assert.Contains("still paused: ", errors, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllBytes(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task With_switchover_ack_the_source_keeps_its_guest_running_until_the_destination_has_every_page()
    {
        await using var incoming = await Incoming.Start("--switchover-ack");

        // The link holds the stream 1 MiB before the end of the first pass: the source has converged by then, but the
        // destination lacks pages, so it cannot approve until the test lets the rest through a second later.
        using var proxy = new FaultProxy(_ => new IPEndPoint(IPAddress.Loopback, incoming.Port), _ => new LinkFault(FaultKind.Hold, Direction.ToDestination, 7L << 20));
        Task<(int, string, string)> migrate = Task.Run(() => InProcessCli.Run(["migrate", "--to", "127.0.0.1:" + proxy.Port, "--memory", "8M", "--fill", "1", "--dirty-rate", "200", "--warmup", "0", "--switchover-ack"]));
        await proxy.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(migrate.IsCompleted, migrate.IsCompleted ? (await migrate).ToString() : "");
        proxy.Release();
        (int rc, string output, string errors) = await migrate.WaitAsync(TimeSpan.FromSeconds(60));
        (int destinationRc, string destinationOutput, string destinationErrors) = await incoming.Exit();

        Assert.True(rc == ExitCodes.Ok, output + errors);
        Assert.True(destinationRc == ExitCodes.Ok, destinationOutput + destinationErrors);
        Assert.Equal(Line(output, "state sha256: "), Line(destinationOutput, "state sha256: "));

        // It waited out the hold, iterating, instead of stopping the guest with pages still on their way.
        System.Text.RegularExpressions.Match waited = System.Text.RegularExpressions.Regex.Match(Row(output, "switchover ack"), @"^waited (\d+) ms after converging$");
        Assert.True(waited.Success, output);
        Assert.True(int.Parse(waited.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 500, output);
        Assert.True(int.Parse(Row(output, "iterations"), System.Globalization.CultureInfo.InvariantCulture) >= 2, output);
    }

    private static double ParseMiB(string value)
    {
        string[] parts = value.Split(' ');
        double number = double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        return parts[1] switch { "KiB" => number / 1024, "MiB" => number, "GiB" => number * 1024, _ => number / (1 << 20) };
    }

    [Fact]
    public async Task A_drop_before_the_switch_leaves_the_source_running()
    {
        await using var incoming = await Incoming.Start();
        using var proxy = new FaultProxy(_ => new IPEndPoint(IPAddress.Loopback, incoming.Port), _ => new LinkFault(FaultKind.Cut, Direction.ToDestination, 1 << 20));

        (int rc, string output, string errors) = InProcessCli.Run(["migrate", "--to", "127.0.0.1:" + proxy.Port, .. Workload, "--postcopy-after", "60"]);
        (int destinationRc, _, string destinationErrors) = await incoming.Exit();

        Assert.True(rc == ExitCodes.Failure, output + errors);
        Assert.Contains("the source keeps running", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Postcopy paused", destinationErrors, StringComparison.Ordinal);
        Assert.NotEqual(ExitCodes.PostcopyPaused, destinationRc);
    }

    [Theory]
    [InlineData("--postcopy-after", "1")]
    [InlineData("--postcopy-passes", "2")]
    [InlineData("--postcopy-bandwidth", "1M")]
    public void Postcopy_options_without_postcopy_are_usage_errors(string option, string value)
    {
        (int rc, _, string errors) = InProcessCli.Run("migrate", "--to", "127.0.0.1:1", "--memory", "4M", option, value);

        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("go with --postcopy", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--postcopy-after", "-1")]
    [InlineData("--postcopy-passes", "0")]
    public void Out_of_range_postcopy_options_are_usage_errors(string option, string value)
    {
        (int rc, _, string errors) = InProcessCli.Run("migrate", "--to", "127.0.0.1:1", "--memory", "4M", "--postcopy", option, value);

        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("--postcopy-after is 0 seconds or more and --postcopy-passes 1 or more", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hash_reply_carries_the_destinations_steps_and_waits_and_a_bad_one_is_a_peer_error()
    {
        var reply = new HashReply("ab12", 123, 4, 5678, 900);
        Assert.Equal("HASH ab12 STEPS 123 FAULTS 4 WAIT-US 5678 MAX-US 900", reply.Format());
        Assert.Equal(reply, HashReply.Parse(reply.Format()));
        Assert.Equal(new HashReply("ab12", -1, 0, 0, 0), HashReply.Parse("HASH ab12"));
        Assert.Equal("HASH ab12", HashReply.Parse("HASH ab12")!.Format());
        Assert.Null(HashReply.Parse(null));
        Assert.Null(HashReply.Parse("LOADED"));
        Assert.Throws<MigrationPeerException>(() => HashReply.Parse("HASH ab12 STEPS -1 FAULTS 4 WAIT-US 5678 MAX-US 900"));
        Assert.Throws<MigrationPeerException>(() => HashReply.Parse("HASH ab12 STEPS 1 FAULTS 4"));
        Assert.Throws<MigrationPeerException>(() => HashReply.Parse("HASH ab12 STEPS 1 FAULTS 4 WAIT 5 MAX-US 9"));
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();

    // A row of the summary table, as printed when the output is not a terminal: two spaces, the name, the value.
    private static string Row(string output, string name) =>
        output.Split('\n').Single(l => l.StartsWith("  " + name + " ", StringComparison.Ordinal))[(2 + name.Length)..].Trim();

    // An 'incoming' child process on a free port.
    private sealed class Incoming : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _errors;

        private Incoming(Process process, Task<string> errors, int port)
        {
            _process = process;
            _errors = errors;
            Port = port;
        }

        public int Port { get; }

        public static async Task<Incoming> Start(params string[] options)
        {
            string dll = typeof(VirtualMachine).Assembly.Location;
            var start = new ProcessStartInfo("dotnet", ["exec", dll, "incoming", "--listen", "127.0.0.1:0", "--memory", "8M", "--once", .. options])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            Process process = Process.Start(start)!;
            Task<string> errors = process.StandardError.ReadToEndAsync();
            string? first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first is not null && first.StartsWith(Waiting, StringComparison.Ordinal), $"first line: '{first}'");
            return new Incoming(process, errors, IPEndPoint.Parse(first[Waiting.Length..]).Port);
        }

        public async Task<(int Rc, string Output, string Errors)> Exit()
        {
            string output = await _process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return (_process.ExitCode, output, await _errors);
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
