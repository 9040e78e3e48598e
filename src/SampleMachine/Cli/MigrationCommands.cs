using System.CommandLine;
using System.Net;
using SampleMachine.Machine;
using SampleMachine.Migration;
using VmState.Qemu.Machines;
using VmState.Wire;

namespace SampleMachine.Cli;

/// <summary><c>migrate</c> and <c>incoming</c>.</summary>
internal static class MigrationCommands
{
    public static Command Migrate()
    {
        var to = new Option<string>("--to") { Description = "Destination HOST:PORT", Required = true };
        var memory = CommonOptions.Memory(CommonOptions.GuestMemoryMin);
        var seed = CommonOptions.Seed();
        var rate = CommonOptions.DirtyRate(20_000);
        var bandwidth = new Option<string>("--bandwidth") { Description = "Bytes per second to send at most (K/M/G suffixes; 0 = unlimited)", DefaultValueFactory = _ => "0" };
        var downtime = new Option<int>("--downtime-limit") { Description = "Longest acceptable guest pause in ms", DefaultValueFactory = _ => 300 };
        var iterations = new Option<int>("--max-iterations") { Description = "Give up after this many passes unless auto-converging", DefaultValueFactory = _ => 30 };
        var autoConverge = new Option<bool>("--auto-converge") { Description = "Throttle the guest until the migration converges" };
        var warmup = new Option<double>("--warmup") { Description = "Seconds the guest runs before the migration starts", DefaultValueFactory = _ => 0.5 };
        var fill = new Option<double>("--fill") { Description = "Fraction of RAM to fill with random bytes first (0 to 1)" };
        var report = new Option<FileInfo?>("--report") { Description = "Write an SVG chart of remaining bytes and dirty rate per iteration" };
        var retry = new Option<int>("--retry") { Description = "Try again this many times after a failed attempt (the guest keeps running meanwhile)" };
        var saveOnFailure = new Option<FileInfo?>("--save-on-failure") { Description = "When every attempt failed, stop the guest and save it to this snapshot file" };
        var idle = new Option<double>("--idle-timeout")
        {
            Description = "Seconds the destination may stall (connect, a write, a reply) before the attempt fails (0: never)",
            DefaultValueFactory = _ => 30,
        };
        var strictDowntime = new Option<bool>("--strict-downtime") { Description = "Exit with code 6 when the migration completed but the guest was paused longer than --downtime-limit" };
        var postcopy = new Option<bool>("--postcopy") { Description = "Switch to postcopy if precopy has not converged: the guest moves at once, its missing pages follow, those it touches first on demand" };
        var postcopyAfter = new Option<double?>("--postcopy-after") { Description = "With --postcopy: switch once precopy has run this many seconds, even mid-pass" };
        var postcopyPasses = new Option<int?>("--postcopy-passes") { Description = "With --postcopy: switch after this many precopy passes (default 1, unless --postcopy-after is given)" };
        var postcopyBandwidth = new Option<string>("--postcopy-bandwidth") { Description = "With --postcopy: bytes per second after the switch (QEMU's max-postcopy-bandwidth; 0 = unlimited)", DefaultValueFactory = _ => "0" };
        var switchoverAck = new Option<bool>("--switchover-ack") { Description = "Stop the guest only after the destination approves (QEMU 8.1's switchover-ack; the destination needs --switchover-ack too)" };
        var resume = new Option<FileInfo?>("--resume")
        {
            Description = "Resume a postcopy migration that broke after the switch: FILE is the copy the paused source saved (exit code 7); the destination, still waiting, gets every page it misses",
        };
        var channels = CommonOptions.Channels("Send RAM on this many multifd channels besides the main connection, as QEMU's multifd does (the incoming side needs the same --channels; 0: none)");
        var compression = CommonOptions.MultifdCompression();
        var command = new Command("migrate", "Live-migrate a running machine to an 'incoming' process over TCP")
        {
            to, memory, seed, rate, bandwidth, downtime, iterations, autoConverge, warmup, fill, report, retry, saveOnFailure, idle, strictDowntime,
            postcopy, postcopyAfter, postcopyPasses, postcopyBandwidth, resume, switchoverAck, channels, compression,
        };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            IPEndPoint endpoint = CommonOptions.Endpoint(parse.GetValue(to)!);
            int retries = parse.GetValue(retry);
            double idleSeconds = parse.GetValue(idle);
            if (retries < 0 || idleSeconds < 0 || double.IsNaN(idleSeconds))
            {
                throw new FormatException("--retry and --idle-timeout are 0 or more");
            }

            TimeSpan idleTimeout = idleSeconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(idleSeconds);
            var parameters = new MigrationParameters
            {
                Bandwidth = CommonOptions.Size(parse, bandwidth, 0, long.MaxValue),
                DowntimeLimitMs = parse.GetValue(downtime),
                MaxIterations = parse.GetValue(iterations),
                AutoConverge = parse.GetValue(autoConverge),
                Postcopy = parse.GetValue(postcopy),
                PostcopyAfter = parse.GetValue(postcopyAfter) is double after ? TimeSpan.FromSeconds(after) : null,
                PostcopyPasses = parse.GetValue(postcopyPasses),
                PostcopyBandwidth = CommonOptions.Size(parse, postcopyBandwidth, 0, long.MaxValue),
                SwitchoverAck = parse.GetValue(switchoverAck),
                Channels = CommonOptions.ChannelCount(parse, channels),
                MultifdCompression = CommonOptions.Compression(parse, compression, CommonOptions.ChannelCount(parse, channels)),
            };
            if (parameters.Channels > 0 && parameters.Postcopy)
            {
                throw new FormatException("--channels and --postcopy do not go together: multifd does not carry postcopy");
            }

            if (parameters.PostcopyAfter is { } a && (a < TimeSpan.Zero || double.IsNaN(a.TotalSeconds)) || parameters.PostcopyPasses is < 1)
            {
                throw new FormatException("--postcopy-after is 0 seconds or more and --postcopy-passes 1 or more");
            }

            if (parse.GetValue(resume) is { } resumeFile)
            {
                return ResumePostcopy(resumeFile, endpoint, parameters with { Postcopy = true }, CommonOptions.MemoryBytes(parse, memory, CommonOptions.GuestMemoryMin), idleTimeout, parse.GetValue(strictDowntime));
            }

            if (!parameters.Postcopy && (parameters.PostcopyAfter is not null || parameters.PostcopyPasses is not null || parameters.PostcopyBandwidth != 0))
            {
                throw new FormatException("--postcopy-after, --postcopy-passes and --postcopy-bandwidth go with --postcopy");
            }

            using var machine = new VirtualMachine(CommonOptions.MemoryBytes(parse, memory, CommonOptions.GuestMemoryMin));
            machine.Ram.Prefault();
            if (parse.GetValue(fill) > 0)
            {
                // Seconds for gigabytes: say what the wait is for.
                Ui.Line($"filling {parse.GetValue(fill):P0} of {SizeParser.Format(machine.Ram.Length)} of RAM with random bytes");
            }

            machine.FillRandom(parse.GetValue(seed), parse.GetValue(fill));
            using var guest = new GuestWorkload(machine, parse.GetValue(seed), parse.GetValue(rate));

            // Before the guest runs: the switch must not wait for the devices' code, or postcopy's, to compile.
            machine.Registry.RehearseDevices();
            if (parameters.Postcopy)
            {
                VmState.Ram.PostcopyRehearsal.Run(machine.StreamOptions);
            }

            guest.Resume();
            Thread.Sleep(TimeSpan.FromSeconds(parse.GetValue(warmup)));
            MigrationStats? stats = null;
            for (int attempt = 0; stats is null; attempt++)
            {
                try
                {
                    stats = Ui.WithProgress("migrating", progress =>
                        new MigrationSource(machine, guest, parameters) { Progress = progress, IdleTimeout = idleTimeout }.Migrate(endpoint.Address.ToString(), endpoint.Port));
                }
                catch (PostcopyPausedException e)
                {
                    // The destination ran the guest; only here are its missing pages. Neither copy may run alone.
                    Console.Error.WriteLine($"migration attempt {attempt + 1}: {PrintableText.OneLine(e.Message)}; the guest ran on the destination, which still needs this source's pages, so the source keeps its copy paused and does not retry; once it is saved, resume with migrate --resume FILE");
                    GiveUp(machine, guest, parse.GetValue(saveOnFailure) ?? InDoubtFile());
                    return ExitCodes.PostcopyPaused;
                }
                catch (MigrationInDoubtException e)
                {
                    // The destination may run the guest already: never resume it here, never send it elsewhere.
                    Console.Error.WriteLine($"migration attempt {attempt + 1} in doubt: {PrintableText.OneLine(e.Message)}; the destination may have taken over the guest, so the source keeps it paused and does not retry");

                    // If the destination did die, this copy is the guest: it is saved even when no file was named.
                    return GiveUp(machine, guest, parse.GetValue(saveOnFailure) ?? InDoubtFile());
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or VmState.Wire.VmStateSaveException)
                {
                    // Before the destination answered LOADED the guest is still ours, and running: never lose it.
                    Console.Error.WriteLine($"migration attempt {attempt + 1} failed: {e.Message.ReplaceLineEndings(" ")}; the source keeps running");
                    if (attempt < retries)
                    {
                        Thread.Sleep(TimeSpan.FromSeconds(1));
                        continue;
                    }

                    return GiveUp(machine, guest, parse.GetValue(saveOnFailure));
                }
            }

            Ui.Stats(stats);
            if (parse.GetValue(report) is { } svg)
            {
                File.WriteAllText(svg.FullName, SvgReport.Render(stats));
                Ui.Line("report: " + svg.FullName);
            }

            if (!stats.Completed)
            {
                Ui.Line($"the source keeps running ({(guest.IsRunning ? "guest running" : "guest stopped")})");
                guest.Pause();
                Ui.Line("state sha256: " + machine.StateHash());
                return ExitCodes.Failure;
            }

            Ui.Line("state sha256: " + stats.SourceHash);
            if (stats.DestinationHash is null)
            {
                // LOADED came, so the guest is the destination's; only its hash line was lost.
                Console.Error.WriteLine("error: the destination took over the guest (LOADED) but its state hash did not arrive");
                return ExitCodes.Failure;
            }

            if (stats.SourceHash != stats.DestinationHash)
            {
                Console.Error.WriteLine($"error: the destination's state differs (sha256 {PrintableText.Escape(stats.DestinationHash)})");
                return ExitCodes.HashMismatch;
            }

            return DowntimeVerdict(stats, parse.GetValue(strictDowntime));
        }));
        return command;
    }

    // migrate --resume: the paused source's saved copy finishes the postcopy it started.
    private static int ResumePostcopy(FileInfo file, IPEndPoint endpoint, MigrationParameters parameters, long memory, TimeSpan idleTimeout, bool strictDowntime)
    {
        using var machine = new VirtualMachine(memory);
        machine.LoadSnapshot(file.FullName);

        // Paused since the switch: it only replays, at the end, the steps the guest took on the destination.
        using var guest = GuestWorkload.Attach(machine);
        MigrationStats stats;
        try
        {
            stats = Ui.WithProgress("resuming", progress =>
                new MigrationSource(machine, guest, parameters) { Progress = progress, IdleTimeout = idleTimeout }.Resume(endpoint.Address.ToString(), endpoint.Port));
        }
        catch (Exception e) when (e is PostcopyPausedException or IOException or System.Net.Sockets.SocketException)
        {
            // Nothing of the saved copy was changed: it can be resumed again.
            Console.Error.WriteLine($"resume failed: {PrintableText.OneLine(e.Message)}; still paused: {file.FullName} is unchanged, resume again");
            return ExitCodes.PostcopyPaused;
        }

        Ui.Stats(stats);
        Ui.Line("state sha256: " + stats.SourceHash);
        if (stats.SourceHash != stats.DestinationHash)
        {
            Console.Error.WriteLine($"error: the destination's state differs (sha256 {PrintableText.Escape(stats.DestinationHash ?? "unknown")})");
            return ExitCodes.HashMismatch;
        }

        return DowntimeVerdict(stats, strictDowntime);
    }

    // A completed migration over its downtime limit says so; with --strict-downtime that is its exit code too.
    internal static int DowntimeVerdict(MigrationStats stats, bool strict)
    {
        if (!stats.DowntimeExceeded)
        {
            return ExitCodes.Ok;
        }

        Console.Error.WriteLine(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{(strict ? "error" : "warning")}: the guest was paused {Ui.Ms(stats.Downtime)}, over the {Ui.Ms(stats.DowntimeLimit)} downtime limit (estimated {Ui.Ms(stats.EstimatedDowntime)} from the bytes left at the last pass's bandwidth)"));
        return strict ? ExitCodes.DowntimeExceeded : ExitCodes.Ok;
    }

    // Where an in-doubt guest goes without --save-on-failure: the current directory, else the temp directory.
    private static FileInfo InDoubtFile()
    {
        string name = $"vmstate-in-doubt-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.snap";
        string here = Environment.CurrentDirectory;
        try
        {
            string probe = Path.Combine(here, "." + name + ".probe");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return new FileInfo(Path.Combine(here, name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileInfo(Path.Combine(Path.GetTempPath(), name));
        }
    }

    // Every attempt failed (or the last is in doubt): stop the guest, keep it in a file if asked, and say its hash.
    private static int GiveUp(VirtualMachine machine, GuestWorkload guest, FileInfo? saveOnFailure)
    {
        guest.Pause();
        if (saveOnFailure is { } file)
        {
            long bytes = machine.SaveSnapshot(file.FullName);
            Ui.Line($"saved the guest ({SizeParser.Format(bytes)}) to {file.FullName}");
        }

        Ui.Line("state sha256: " + machine.StateHash());
        return ExitCodes.Failure;
    }

    public static Command Incoming()
    {
        var listen = new Option<string>("--listen") { Description = "HOST:PORT to accept the migration on (port 0: a free port, printed in the 'waiting' line)", Required = true };
        var memory = CommonOptions.Memory();
        var machineOption = new Option<string?>("--machine")
        {
            Description = "Take the migration from QEMU 7.2 itself ('migrate tcp:HOST:PORT'): a pc or q35 machine with QEMU's default devices and an e1000, every section of it",
        };
        var noSerial = new Option<bool>("--no-serial") { Description = "With --machine: the QEMU machine runs without its serial port (-serial none)" };
        var forward = new Option<string?>("--forward-to")
        {
            Description = "With --machine: then migrate the received machine on to a QEMU 7.2 waiting with '-incoming tcp:HOST:PORT'",
        };
        var once = new Option<bool>("--once") { Description = "Exit after the first connection, even one that fails (default: a failed connection is reported and the next one awaited)" };
        var idle = new Option<double>("--idle-timeout")
        {
            Description = "Seconds a connection may stall before it is dropped as dead (0: never)",
            DefaultValueFactory = _ => 30,
        };
        var resumeTimeout = new Option<double>("--resume-timeout")
        {
            Description = "Seconds a postcopy broken after the switch waits for its source to resume it (migrate --resume) before it gives up (0: at once)",
            DefaultValueFactory = _ => 600,
        };
        var forwardPostcopy = new Option<string>("--forward-postcopy")
        {
            Description = "With --forward-to: forward in postcopy, switching after this much RAM (e.g. 1M) and sending the rest at --forward-bandwidth, the pages QEMU asks for first (its postcopy-ram capability must be on)",
        };
        var forwardBandwidth = new Option<string>("--forward-bandwidth") { Description = "With --forward-postcopy: bytes per second after the switch (0 = unlimited)", DefaultValueFactory = _ => "0" };
        var incomingAck = new Option<bool>("--switchover-ack")
        {
            Description = "Approve the switchover (QEMU 8.1's SWITCHOVER_ACK) only once every page of RAM has arrived, so the source's pause carries no page seen for the first time (the source needs --switchover-ack too)",
        };
        var channels = CommonOptions.Channels("Receive RAM on this many multifd channels besides the main connection (QEMU's multifd capability with multifd-channels N on the source; 0: none)");
        var forwardChannels = CommonOptions.Channels("With --forward-to: send RAM on this many multifd channels (the destination QEMU needs the multifd capability and the same multifd-channels; 0: none)", "--forward-channels");
        var incomingCompression = CommonOptions.MultifdCompression();
        incomingCompression.Description += "; with --forward-channels, the forward's too";
        var command = new Command("incoming", "Wait for a live migration and take over the guest") { listen, memory, machineOption, noSerial, forward, forwardPostcopy, forwardBandwidth, forwardChannels, channels, incomingCompression, once, idle, resumeTimeout, incomingAck };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            double idleSeconds = parse.GetValue(idle);
            if (idleSeconds < 0 || double.IsNaN(idleSeconds))
            {
                throw new FormatException("--idle-timeout is a number of seconds, 0 or more");
            }

            TimeSpan idleTimeout = idleSeconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(idleSeconds);
            double resumeSeconds = parse.GetValue(resumeTimeout);
            if (resumeSeconds < 0 || double.IsNaN(resumeSeconds) || resumeSeconds > 1e7)
            {
                throw new FormatException("--resume-timeout is a number of seconds, 0 to 10000000");
            }

            if (parse.GetValue(machineOption) is { } name)
            {
                long? postcopyAfter = parse.GetValue(forwardPostcopy) is null ? null : CommonOptions.Size(parse, forwardPostcopy, 0, long.MaxValue);
                if ((postcopyAfter is not null || CommonOptions.ChannelCount(parse, forwardChannels) > 0) && parse.GetValue(forward) is null)
                {
                    throw new FormatException("--forward-postcopy and --forward-channels go with --forward-to");
                }

                if (postcopyAfter is not null && CommonOptions.ChannelCount(parse, forwardChannels) > 0)
                {
                    throw new FormatException("--forward-postcopy and --forward-channels do not go together: multifd does not carry postcopy");
                }

                int forwardCount = CommonOptions.ChannelCount(parse, forwardChannels);
                int count = CommonOptions.ChannelCount(parse, channels);
                VmState.Ram.MultifdCompression? method = CommonOptions.Compression(parse, incomingCompression, Math.Max(count, forwardCount));
                var forwarding = new Forwarding(parse.GetValue(forward), postcopyAfter, CommonOptions.Size(parse, forwardBandwidth, 0, long.MaxValue), forwardCount, forwardCount > 0 ? method : null);
                return FromQemu(name, parse.GetValue(listen)!, CommonOptions.MemoryBytes(parse, memory), parse.GetValue(noSerial), idleTimeout, parse.GetValue(once), count, count > 0 ? method : null, forwarding);
            }

            // The guest's RAM is mapped before listening, so the incoming stream does not wait for page faults.
            using var machine = new VirtualMachine(CommonOptions.MemoryBytes(parse, memory));
            machine.Ram.Prefault();
            machine.Registry.RehearseDevices();
            VmState.Ram.PostcopyRehearsal.Run(machine.StreamOptions);
            machine.RamSection.SwitchoverAckWhenComplete = parse.GetValue(incomingAck);

            // Nothing has written the new machine's RAM (the rehearsals run on scratch machines): a load need not read
            // a page before it writes it, and a rejected connection's rollback brings back the zeros.
            machine.RamSection.LoadOntoZeroedRam = true;
            int ownChannels = CommonOptions.ChannelCount(parse, channels);
            using var destination = new MigrationDestination(CommonOptions.Endpoint(parse.GetValue(listen)!), ownChannels, CommonOptions.Compression(parse, incomingCompression, ownChannels))
            {
                SwitchoverAck = parse.GetValue(incomingAck),
                IdleTimeout = idleTimeout,
                ResumeTimeout = TimeSpan.FromSeconds(resumeSeconds),
                Paused = why => Console.Error.WriteLine($"{why}; the guest waits here for the source's missing pages: resume it with migrate --resume (waiting {resumeSeconds:0} s)"),
            };
            Ui.Line($"waiting for a migration on {destination.LocalEndpoint}");
            while (true)
            {
                try
                {
                    (var result, string hash) = destination.Accept(machine);
                    string onChannels = destination.Channels > 0 ? $" and {SizeParser.Format(destination.MultifdBytes)} on {destination.Channels} multifd channel(s)" : "";
                    Ui.Line($"received {SizeParser.Format(result.BytesRead)} in {result.FramesLoaded} sections{onChannels}; guest started");
                    if (destination.Resumes > 0)
                    {
                        Ui.Line($"postcopy resumed {destination.Resumes} time(s)");
                    }

                    if (destination.Postcopy is { } report)
                    {
                        Ui.Line(string.Create(
                            System.Globalization.CultureInfo.InvariantCulture,
                            $"postcopy: the guest ran from POSTCOPY_RUN on, {report.Faults} accesses waited for a page (mean {(report.Faults > 0 ? report.TotalWait.TotalMilliseconds / report.Faults : 0):0.00} ms, max {report.MaxWait.TotalMilliseconds:0.00} ms); paused after {report.Steps} steps for the hash"));
                    }
                    if (destination.ReplyError is { } lost)
                    {
                        // The guest is ours all the same; the source, without LOADED, keeps its copy paused.
                        Console.Error.WriteLine($"the source did not get the reply ({lost}); the guest runs here");
                    }

                    Ui.Line("state sha256: " + hash);
                    return 0;
                }
                catch (VmState.Wire.VmStateLoadException e) when (e.PostcopyPaused)
                {
                    // Not as before: the guest ran here on what came, and the rest is the source's.
                    Console.Error.WriteLine($"{PrintableText.OneLine(e.Message)}; the guest ran here and waits for the source's missing pages: neither side can run it alone");
                    return ExitCodes.PostcopyPaused;
                }
                catch (Exception e) when (!parse.GetValue(once) && e is VmState.Wire.VmStateLoadException or IOException)
                {
                    // A peer that sends garbage, stalls or hangs up must not cost the migration that comes next: the
                    // load rolled back, so the machine is as it was.
                    Console.Error.WriteLine("rejected a connection: " + e.Message.ReplaceLineEndings(" "));
                    Ui.Line($"waiting for a migration on {destination.LocalEndpoint}");
                }
            }
        }));
        return command;
    }

    // Where `incoming --machine` sends the machine on: to a QEMU at Forward (null: nowhere), in postcopy after
    // PostcopyAfter bytes, or over Channels multifd channels.
    private sealed record Forwarding(string? Forward, long? PostcopyAfter, long PostcopyBandwidth, int Channels, VmState.Ram.MultifdCompression? Compression);

    // QEMU to us (and on to QEMU): the machine is QEMU's default layout of that type, built before the stream comes.
    private static int FromQemu(string name, string listen, long memory, bool noSerial, TimeSpan idleTimeout, bool once, int channels, VmState.Ram.MultifdCompression? compression, Forwarding forwarding)
    {
        QemuMachineKind kind = CommonOptions.MachineKind(name);
        IPEndPoint? next = forwarding.Forward is null ? null : CommonOptions.Endpoint(forwarding.Forward);
        long? postcopyAfter = forwarding.PostcopyAfter;
        using QemuMachine machine = QemuMachine.Create(QemuMachineLayout.Default(kind, memory, serial: !noSerial));
        var listener = new System.Net.Sockets.TcpListener(CommonOptions.Endpoint(listen));

        // Room for the multifd channels, which connect at once after the main connection.
        listener.Start(channels + 1);
        try
        {
            while (true)
            {
                Ui.Line($"waiting for a migration on {listener.LocalEndpoint}");
                try
                {
                    VmState.Migration.MigrationLoadResult result = QemuPeer.Receive(listener, machine, idleTimeout, channels, compression);
                    string onChannels = channels > 0 ? $" on the main connection and {channels} multifd channel(s)" : "";
                    Ui.Line($"received {SizeParser.Format(result.BytesRead)}{onChannels} from QEMU: {PrintableText.Escape(machine.Layout.MachineType)}, {machine.Devices.Count} device sections, {machine.RamBlocks.Count} RAM blocks");
                    break;
                }
                catch (Exception e) when (!once && e is VmState.Wire.VmStateLoadException or IOException)
                {
                    Console.Error.WriteLine("rejected a connection: " + e.Message.ReplaceLineEndings(" "));
                }
            }
        }
        finally
        {
            listener.Dispose();
        }

        if (next is not null && postcopyAfter is { } after)
        {
            (long bytes, long requests) = QemuPeer.SendPostcopy(machine, next, after, forwarding.PostcopyBandwidth);
            Ui.Line($"sent {SizeParser.Format(bytes)} to {next} in postcopy, {requests} page(s) at its request; it loaded them (SHUT 0 on its return path)");
        }
        else if (next is not null)
        {
            long sent = QemuPeer.Send(machine, next, channels: forwarding.Channels, compression: forwarding.Compression);
            string onChannels = forwarding.Channels > 0 ? $" over {forwarding.Channels} multifd channel(s) and the main connection" : "";
            Ui.Line($"sent {SizeParser.Format(sent)} to {next}{onChannels}; it loaded them (SHUT 0 on its return path)");
        }

        return 0;
    }
}
