using System.Diagnostics;
using SampleMachine.Machine;
using Xunit.Abstractions;

namespace SampleMachine.Tests;

/// <summary>
/// A running guest (the counter guest, see <see cref="CounterGuest"/>) migrates out of QEMU 7.2 and, after a hop,
/// into a second QEMU 7.2 process, where it must go on running: the same RAM words at the moment it arrives, then
/// its round counter counting on from there and its PIT channel still programmed as the guest left it.
/// A hop is one step function (<see cref="Hop"/>): QEMU to QEMU directly, which proves the harness, and QEMU to our
/// tool to QEMU.
/// </summary>
public sealed partial class GuestMigrationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Moves the stopped guest out of <paramref name="source"/> into a destination QEMU it starts with
    /// <see cref="GuestRun.StartDestination"/>, and returns that destination's monitor once it is started (it may
    /// still be loading). It may quit the source.
    /// </summary>
    private delegate Task<QemuMonitor> Hop(QemuMonitor source, GuestRun run);

    [QemuGuestFact]
    public Task On_pc_the_guest_keeps_counting_after_qemu_migrates_it_to_qemu() => Migrate("pc", Directly);

    [QemuGuestFact]
    public Task On_q35_the_guest_keeps_counting_after_qemu_migrates_it_to_qemu() => Migrate("q35", Directly);

    [QemuGuestFact]
    public Task On_pc_the_guest_keeps_counting_after_qemu_migrates_it_through_our_tool_to_qemu() => Migrate("pc", ThroughOurTool);

    [QemuGuestFact]
    public Task On_q35_the_guest_keeps_counting_after_qemu_migrates_it_through_our_tool_to_qemu() => Migrate("q35", ThroughOurTool);

    [QemuGuestFact]
    public Task On_pc_the_guest_keeps_counting_after_qemu_migrates_it_live_into_our_incoming_and_on_to_qemu() => Migrate("pc", LiveThroughOurIncoming);

    [QemuGuestFact]
    public Task On_q35_the_guest_keeps_counting_after_qemu_migrates_it_live_into_our_incoming_and_on_to_qemu() => Migrate("q35", LiveThroughOurIncoming);

    [QemuGuestFact]
    public Task On_pc_a_source_with_a_return_path_completes_into_our_incoming_and_the_guest_counts_on() => Migrate("pc", LiveWithReturnPath);

    [QemuGuestFact]
    public Task On_pc_our_incoming_forwards_the_guest_to_qemu_in_postcopy_and_qemu_asks_us_for_pages() => Migrate("pc", PostcopyToQemu);

    [QemuGuestFact]
    public Task On_pc_qemu_migrates_the_guest_over_multifd_into_our_incoming_which_forwards_it_over_multifd_to_qemu() => Migrate("pc", (s, r) => MultifdThroughOurIncoming(s, r, "none"));

    [QemuGuestFact]
    public Task On_pc_the_same_with_multifd_compression_zstd_both_ways() => Migrate("pc", (s, r) => MultifdThroughOurIncoming(s, r, "zstd"));

    // Both legs with QEMU's multifd capability (two channels besides the main connection): QEMU's channels into our
    // incoming, which reads their packets straight into RAM, then ours into the second QEMU, which loads our packets;
    // with zstd, each channel's pages on one zstd stream of QEMU's, decoded by ours and ours by QEMU's.
    private static async Task<QemuMonitor> MultifdThroughOurIncoming(QemuMonitor source, GuestRun run, string compression)
    {
        QemuMonitor destination = run.StartDestination("defer");
        try
        {
            foreach (QemuMonitor qemu in new[] { source, destination })
            {
                await qemu.Send("migrate_set_capability multifd on");
                await qemu.Send("migrate_set_parameter multifd-channels 2");
                await qemu.Send("migrate_set_parameter multifd-compression " + compression);
                Assert.Contains("multifd: on", await qemu.Send("info migrate_capabilities"), StringComparison.Ordinal);
                string parameters = await qemu.Send("info migrate_parameters");
                Assert.Contains("multifd-channels: 2", parameters, StringComparison.Ordinal);
                Assert.Contains("multifd-compression: " + compression, parameters, StringComparison.Ordinal);
            }

            await destination.Send("migrate_incoming tcp:127.0.0.1:0");
            string info = await destination.SendUntil("info migrate", "socket address");
            int port = int.Parse(SocketPort().Match(info).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

            using Process ours = run.StartOurCli("incoming", "--machine", run.Machine, "--memory", "16M", "--listen", "127.0.0.1:0", "--channels", "2", "--forward-to", "127.0.0.1:" + port, "--forward-channels", "2", "--multifd-compression", compression);
            string? waiting = await ours.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(waiting is not null && waiting.StartsWith(Waiting, StringComparison.Ordinal), $"first line: '{waiting}'");
            await source.Send("migrate tcp:" + waiting[Waiting.Length..]);
            string done = await source.SendUntil("info migrate", "Migration status: completed");
            await source.Quit();
            string text = await run.OutputOfOurCli(ours, "incoming");
            Assert.Contains("on the main connection and 2 multifd channel(s) from QEMU", text, StringComparison.Ordinal);
            Assert.Contains("over 2 multifd channel(s) and the main connection", text, StringComparison.Ordinal);

            // QEMU counted every normal page as sent on the channels (with their packet headers): the guest's RAM
            // really went that way.
            long normal = Kbytes(NormalBytes(), done);
            Assert.True(normal > 0 && Kbytes(MultifdBytes(), done) >= normal, done);
            return destination;
        }
        catch
        {
            run.Log("destination stderr: " + destination.Errors);
            destination.Dispose();
            throw;
        }
    }

    private static long Kbytes(System.Text.RegularExpressions.Regex line, string info)
    {
        System.Text.RegularExpressions.Match m = line.Match(info);
        Assert.True(m.Success, info);
        return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"multifd bytes: (\d+) kbytes")]
    private static partial System.Text.RegularExpressions.Regex MultifdBytes();

    [System.Text.RegularExpressions.GeneratedRegex(@"normal bytes: (\d+) kbytes")]
    private static partial System.Text.RegularExpressions.Regex NormalBytes();

    // The forward leg in postcopy: the destination QEMU (postcopy-ram on, userfaultfd) takes the devices at once and
    // the RAM at 256 KiB/s, asking on its return path for the pages it touches first (reading the guest's words
    // through its monitor is such a touch); our incoming says how many it asked for.
    private static async Task<QemuMonitor> PostcopyToQemu(QemuMonitor source, GuestRun run)
    {
        QemuMonitor destination = run.StartDestination("defer");
        try
        {
            await destination.Send("migrate_set_capability postcopy-ram on");
            Assert.Contains("postcopy-ram: on", await destination.Send("info migrate_capabilities"), StringComparison.Ordinal);
            await destination.Send("migrate_incoming tcp:127.0.0.1:0");
            string info = await destination.SendUntil("info migrate", "socket address");
            int port = int.Parse(SocketPort().Match(info).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

            using Process ours = run.StartOurCli("incoming", "--machine", run.Machine, "--memory", "16M", "--listen", "127.0.0.1:0", "--forward-to", "127.0.0.1:" + port, "--forward-postcopy", "0", "--forward-bandwidth", "256K");
            string? waiting = await ours.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(waiting is not null && waiting.StartsWith(Waiting, StringComparison.Ordinal), $"first line: '{waiting}'");
            await source.Send("migrate tcp:" + waiting[Waiting.Length..]);
            await source.SendUntil("info migrate", "Migration status: completed");
            await source.Quit();

            // While the rest of RAM trickles in, the destination (paused by -S after POSTCOPY_RUN) reads the guest's words.
            GuestWords early = await CounterGuest.Read(destination);
            run.Log("read during postcopy: " + early);
            string text = await run.OutputOfOurCli(ours, "incoming");
            System.Text.RegularExpressions.Match sent = PostcopyRequests().Match(text);
            Assert.True(sent.Success, text);
            Assert.True(int.Parse(sent.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, text);
            return destination;
        }
        catch
        {
            run.Log("destination stderr: " + destination.Errors);
            destination.Dispose();
            throw;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"in postcopy, (\d+) page\(s\) at its request")]
    private static partial System.Text.RegularExpressions.Regex PostcopyRequests();

    // As the live hop, with the source's return-path capability on: it opens QEMU's return path, pings, and calls the
    // migration complete only once our incoming has said SHUT 0 on it (else "failed", and it would run the guest on).
    private static Task<QemuMonitor> LiveWithReturnPath(QemuMonitor source, GuestRun run) => LiveThroughOurIncoming(source, run, returnPath: true);

    // The live hop: QEMU migrates over TCP into our `incoming --machine`, which loads every section as it arrives and
    // then migrates the machine on, over TCP, to the second QEMU waiting with -incoming tcp:.
    private static Task<QemuMonitor> LiveThroughOurIncoming(QemuMonitor source, GuestRun run) => LiveThroughOurIncoming(source, run, returnPath: false);

    private static async Task<QemuMonitor> LiveThroughOurIncoming(QemuMonitor source, GuestRun run, bool returnPath)
    {
        QemuMonitor destination = run.StartDestination("tcp:127.0.0.1:0");
        try
        {
            string info = await destination.SendUntil("info migrate", "socket address");
            int port = int.Parse(SocketPort().Match(info).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

            using Process ours = run.StartOurCli("incoming", "--machine", run.Machine, "--memory", "16M", "--listen", "127.0.0.1:0", "--forward-to", "127.0.0.1:" + port);
            string? waiting = await ours.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(waiting is not null && waiting.StartsWith(Waiting, StringComparison.Ordinal), $"first line: '{waiting}'");
            if (returnPath)
            {
                await source.Send("migrate_set_capability return-path on");
                Assert.Contains("return-path: on", await source.Send("info migrate_capabilities"), StringComparison.Ordinal);
            }

            await source.Send("migrate tcp:" + waiting[Waiting.Length..]);
            await source.SendUntil("info migrate", "Migration status: completed");
            await source.Quit();
            await run.WaitForOurCli(ours, "incoming");
            return destination;
        }
        catch
        {
            destination.Dispose();
            throw;
        }
    }

    private const string Waiting = "waiting for a migration on ";

    [System.Text.RegularExpressions.GeneratedRegex(@"socket address: \[\s*tcp:[0-9.]+:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex SocketPort();

    // The hop that proves the harness: QEMU's stream as it is.
    private static async Task<QemuMonitor> Directly(QemuMonitor source, GuestRun run)
    {
        string stream = await run.MigrateToFile(source, "from-qemu.mig");
        return run.StartDestination("exec:cat " + stream);
    }

    // The hop through our tool: QEMU's stream imported as the machine it describes, and that machine written out.
    private static async Task<QemuMonitor> ThroughOurTool(QemuMonitor source, GuestRun run)
    {
        string stream = await run.MigrateToFile(source, "from-qemu.mig");
        string ours = run.PathOf("from-our-tool.mig");
        await run.RunOurCli("import-qemu", stream, "--machine", run.Machine, "--save", ours);
        return run.StartDestination("exec:cat " + ours);
    }

    private async Task Migrate(string machine, Hop hop)
    {
        var clock = Stopwatch.StartNew();
        using var run = new GuestRun(machine, output);
        GuestWords atMigration;
        QemuMonitor? destination = null;
        using (QemuMonitor source = run.StartSource())
        {
            try
            {
                // Running: set up (magic, a PIT count in range), counting, and the PIT has gone round a few times.
                GuestWords started = await WaitFor(source, w => w.LooksRight && w.Periods >= 10, "the guest to start");
                await WaitFor(source, w => w.Rounds > started.Rounds && w.Periods > started.Periods, "the guest to count");
                await source.Send("stop");
                atMigration = await CounterGuest.Read(source);
                Assert.True(atMigration.LooksRight, atMigration.ToString());
                run.Log($"{clock.Elapsed.TotalSeconds:F1}s: source stopped at {atMigration}");

                destination = await hop(source, run);
            }
            finally
            {
                run.Log("source stderr: " + source.Errors);
            }
        }

        using (destination)
        {
            try
            {
                // -S: loaded (no longer "(inmigrate)") and not started, so RAM must be exactly what the source left.
                await destination.SendUntil("info status", "VM status: paused\r\n");
                run.Log($"{clock.Elapsed.TotalSeconds:F1}s: destination loaded");
                Assert.Equal(atMigration, await CounterGuest.Read(destination));

                await destination.Send("cont");
                Assert.Contains("VM status: running", await destination.Send("info status"), StringComparison.Ordinal);

                // Counting on from where it was, reading PIT counts in the programmed range that keep changing, and
                // seeing the channel reload again and again (the PIT runs, with the guest's reload value).
                var samples = new List<GuestWords>();
                GuestWords last = atMigration;
                await WaitFor(destination, w =>
                {
                    Assert.True(w.LooksRight, w.ToString());
                    Assert.True(w.Rounds >= last.Rounds && w.Periods >= last.Periods, $"went back from {last} to {w}");
                    samples.Add(w);
                    last = w;
                    return w.Rounds > atMigration.Rounds && w.Periods >= atMigration.Periods + 20 && samples.Count >= 3;
                }, "the guest to count on");
                Assert.True(samples.Select(s => s.PitCount).Distinct().Count() >= 2, string.Join("; ", samples));
                run.Log($"{clock.Elapsed.TotalSeconds:F1}s: destination counts on: {string.Join("; ", samples)}");

                await destination.Quit();
            }
            finally
            {
                run.Log("destination stderr: " + destination!.Errors);
            }
        }

        run.Log($"{clock.Elapsed.TotalSeconds:F1}s in all");
    }

    // Reads the guest's words until they satisfy the condition (polling; QEMU's own patience as the limit).
    internal static async Task<GuestWords> WaitFor(QemuMonitor qemu, Func<GuestWords, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            GuestWords words = await CounterGuest.Read(qemu);
            if (condition(words))
            {
                return words;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"waited 30 s for {what}; last read {words}; stderr: {qemu.Errors}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>One migration's machine type, temp folder, QEMU processes and log.</summary>
    private sealed class GuestRun(string machine, ITestOutputHelper output) : IDisposable
    {
        private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"vmstate-guest-{Guid.NewGuid():N}")).FullName;

        /// <summary>"pc" or "q35".</summary>
        public string Machine => machine;

        public string PathOf(string name) => Path.Combine(_dir, name);

        public void Log(string line) => output.WriteLine(line);

        /// <summary>QEMU booting the guest.</summary>
        public QemuMonitor StartSource() => new(QemuEnvironment.QemuPath, CounterGuest.QemuArgs(machine));

        /// <summary>QEMU with the source's command line, paused (-S), taking the guest from <paramref name="incoming"/> (a URI or "defer").</summary>
        public QemuMonitor StartDestination(string incoming) =>
            new(QemuEnvironment.QemuPath, [.. CounterGuest.QemuArgs(machine), "-S", "-incoming", incoming]);

        /// <summary>Migrates the (stopped) source into a file, waits for QEMU to call it completed, and quits the source.</summary>
        public async Task<string> MigrateToFile(QemuMonitor source, string name)
        {
            string file = PathOf(name);
            await source.Send($"migrate \"exec:cat > {file}\"");
            await source.SendUntil("info migrate", "Migration status: completed");
            await source.Quit();
            Log($"QEMU wrote {new FileInfo(file).Length} bytes to {name}");
            return file;
        }

        /// <summary>Starts the SampleMachine CLI in the background, its output redirected.</summary>
        public Process StartOurCli(params string[] args)
        {
            string dll = typeof(VirtualMachine).Assembly.Location;
            Log("sample-machine " + string.Join(' ', args));
            return Process.Start(new ProcessStartInfo("dotnet", ["exec", dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        }

        /// <summary>Waits (60 s at most) for a CLI started with <see cref="StartOurCli"/>; fails the test, with its output, unless it exits 0.</summary>
        public async Task WaitForOurCli(Process p, string what) => await OutputOfOurCli(p, what);

        /// <summary>As <see cref="WaitForOurCli"/>, and returns what it printed.</summary>
        public async Task<string> OutputOfOurCli(Process p, string what)
        {
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            try
            {
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                p.Kill(entireProcessTree: true);
                throw;
            }

            string text = $"sample-machine {what}: exit {p.ExitCode}\n{await stdout}{await stderr}";
            Log(text);
            Assert.True(p.ExitCode == 0, text);
            return text;
        }

        /// <summary>Runs the SampleMachine CLI; fails the test, with its output, unless it exits 0.</summary>
        public async Task RunOurCli(params string[] args)
        {
            using Process p = StartOurCli(args);
            await WaitForOurCli(p, string.Join(' ', args));
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // A QEMU that is still being killed may hold a file open a moment longer; the temp folder is the OS's.
            }
        }
    }
}
