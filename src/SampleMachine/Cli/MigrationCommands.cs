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
        var memory = CommonOptions.Memory();
        var seed = CommonOptions.Seed();
        var rate = CommonOptions.DirtyRate(20_000);
        var bandwidth = new Option<string>("--bandwidth") { Description = "Bytes per second to send at most (K/M/G suffixes; 0 = unlimited)", DefaultValueFactory = _ => "0" };
        var downtime = new Option<int>("--downtime-limit") { Description = "Longest acceptable guest pause in ms", DefaultValueFactory = _ => 300 };
        var iterations = new Option<int>("--max-iterations") { Description = "Give up after this many passes unless auto-converging", DefaultValueFactory = _ => 30 };
        var autoConverge = new Option<bool>("--auto-converge") { Description = "Throttle the guest until the migration converges" };
        var warmup = new Option<double>("--warmup") { Description = "Seconds the guest runs before the migration starts", DefaultValueFactory = _ => 0.5 };
        var fill = new Option<double>("--fill") { Description = "Fraction of RAM to fill with random bytes first (0 to 1)" };
        var report = new Option<FileInfo?>("--report") { Description = "Write an SVG chart of remaining bytes and dirty rate per iteration" };
        var command = new Command("migrate", "Live-migrate a running machine to an 'incoming' process over TCP")
        {
            to, memory, seed, rate, bandwidth, downtime, iterations, autoConverge, warmup, fill, report,
        };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            IPEndPoint endpoint = CommonOptions.Endpoint(parse.GetValue(to)!);
            var parameters = new MigrationParameters
            {
                Bandwidth = SizeParser.Parse(parse.GetValue(bandwidth)!),
                DowntimeLimitMs = parse.GetValue(downtime),
                MaxIterations = parse.GetValue(iterations),
                AutoConverge = parse.GetValue(autoConverge),
            };
            using var machine = new VirtualMachine(SizeParser.Parse(parse.GetValue(memory)!));
            machine.Ram.Prefault();
            machine.FillRandom(parse.GetValue(seed), parse.GetValue(fill));
            using var guest = new GuestWorkload(machine, parse.GetValue(seed), parse.GetValue(rate));
            guest.Resume();
            Thread.Sleep(TimeSpan.FromSeconds(parse.GetValue(warmup)));
            MigrationStats stats = Ui.WithProgress("migrating", progress =>
                new MigrationSource(machine, guest, parameters) { Progress = progress }.Migrate(endpoint.Address.ToString(), endpoint.Port));
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
                return 1;
            }

            Ui.Line("state sha256: " + stats.SourceHash);
            if (stats.SourceHash != stats.DestinationHash)
            {
                Console.Error.WriteLine($"error: the destination's state differs (sha256 {PrintableText.Escape(stats.DestinationHash)})");
                return 5;
            }

            return 0;
        }));
        return command;
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
        var command = new Command("incoming", "Wait for a live migration and take over the guest") { listen, memory, machineOption, noSerial, forward };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            if (parse.GetValue(machineOption) is { } name)
            {
                return FromQemu(name, parse.GetValue(listen)!, parse.GetValue(memory)!, parse.GetValue(noSerial), parse.GetValue(forward));
            }

            // The guest's RAM is mapped before listening, so the incoming stream does not wait for page faults.
            using var machine = new VirtualMachine(SizeParser.Parse(parse.GetValue(memory)!));
            machine.Ram.Prefault();
            using var destination = new MigrationDestination(CommonOptions.Endpoint(parse.GetValue(listen)!));
            Ui.Line($"waiting for a migration on {destination.LocalEndpoint}");
            (var result, string hash) = destination.Accept(machine);
            Ui.Line($"received {SizeParser.Format(result.BytesRead)} in {result.FramesLoaded} sections; guest started");
            Ui.Line("state sha256: " + hash);
            return 0;
        }));
        return command;
    }

    // QEMU to us (and on to QEMU): the machine is QEMU's default layout of that type, built before the stream comes.
    private static int FromQemu(string name, string listen, string memory, bool noSerial, string? forward)
    {
        QemuMachineKind kind = name is "pc" or "q35" && QemuMachineKinds.TryParse(name, out QemuMachineKind k)
            ? k
            : throw new FormatException($"--machine is pc or q35, not '{name}'");
        IPEndPoint? next = forward is null ? null : CommonOptions.Endpoint(forward);
        using QemuMachine machine = QemuMachine.Create(QemuMachineLayout.Default(kind, SizeParser.Parse(memory), serial: !noSerial));
        var listener = new System.Net.Sockets.TcpListener(CommonOptions.Endpoint(listen));
        listener.Start(1);
        try
        {
            Ui.Line($"waiting for a migration on {listener.LocalEndpoint}");
            VmState.Migration.MigrationLoadResult result = QemuPeer.Receive(listener, machine);
            Ui.Line($"received {SizeParser.Format(result.BytesRead)} from QEMU: {PrintableText.Escape(machine.Layout.MachineType)}, {machine.Devices.Count} device sections, {machine.RamBlocks.Count} RAM blocks");
        }
        finally
        {
            listener.Dispose();
        }

        if (next is not null)
        {
            long sent = QemuPeer.Send(machine, next);
            Ui.Line($"sent {SizeParser.Format(sent)} to {next}");
        }

        return 0;
    }
}
