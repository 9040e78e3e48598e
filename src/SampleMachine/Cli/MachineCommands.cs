using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SampleMachine.Machine;

namespace SampleMachine.Cli;

/// <summary><c>run</c>, <c>save</c> and <c>load</c>.</summary>
internal static class MachineCommands
{
    public static Command Run()
    {
        var memory = CommonOptions.Memory(CommonOptions.GuestMemoryMin);
        var seed = CommonOptions.Seed();
        var rate = CommonOptions.DirtyRate(20_000);
        var seconds = new Option<double>("--seconds") { Description = "How long the guest runs", DefaultValueFactory = _ => 3 };
        var save = new Option<FileInfo?>("--save") { Description = "Save a snapshot when the guest stops" };
        var command = new Command("run", "Run the machine with its guest workload for a while") { memory, seed, rate, seconds, save };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            using var machine = new VirtualMachine(CommonOptions.MemoryBytes(parse, memory, CommonOptions.GuestMemoryMin));
            machine.Ram.Prefault();
            using var guest = new GuestWorkload(machine, parse.GetValue(seed), parse.GetValue(rate));
            var clock = Stopwatch.StartNew();
            guest.Resume();
            Thread.Sleep(TimeSpan.FromSeconds(parse.GetValue(seconds)));
            guest.Pause();
            Ui.Line(string.Create(CultureInfo.InvariantCulture, $"guest ran {clock.Elapsed.TotalSeconds:0.0} s: {guest.PagesWritten:N0} page writes, {guest.PacketsSent:N0} packets"));
            if (parse.GetValue(save) is { } file)
            {
                long bytes = machine.SaveSnapshot(file.FullName);
                Ui.Line($"saved {SizeParser.Format(bytes)} to {file.FullName}");
            }

            Ui.Line("state sha256: " + machine.StateHash());
            return 0;
        }));
        return command;
    }

    public static Command Save()
    {
        var file = new Argument<FileInfo>("file") { Description = "Snapshot file to write (atomically)" };
        var memory = CommonOptions.Memory(CommonOptions.GuestMemoryMin);
        var seed = CommonOptions.Seed();
        var steps = new Option<int>("--steps") { Description = "Deterministic guest steps before saving", DefaultValueFactory = _ => 10_000 };
        var command = new Command("save", "Boot the machine, run a deterministic number of guest steps, save a snapshot") { file, memory, seed, steps };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            using var machine = new VirtualMachine(CommonOptions.MemoryBytes(parse, memory, CommonOptions.GuestMemoryMin));
            using (var guest = new GuestWorkload(machine, parse.GetValue(seed), 0))
            {
                guest.Step(parse.GetValue(steps));
            }

            FileInfo target = parse.GetValue(file)!;
            var clock = Stopwatch.StartNew();
            long bytes = machine.SaveSnapshot(target.FullName);
            Ui.Line($"saved {SizeParser.Format(bytes)} to {target.FullName} in {Ui.Ms(clock.Elapsed)}");
            Ui.Line("state sha256: " + machine.StateHash());
            return 0;
        }));
        return command;
    }

    public static Command Load()
    {
        var file = new Argument<FileInfo>("file") { Description = "Snapshot file to load" };
        var memory = CommonOptions.Memory();
        var command = new Command("load", "Load a snapshot into a fresh machine and print its state hash") { file, memory };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            using var machine = new VirtualMachine(CommonOptions.MemoryBytes(parse, memory));
            FileInfo source = parse.GetValue(file)!;
            var clock = Stopwatch.StartNew();
            var result = machine.LoadSnapshot(source.FullName);
            Ui.Line($"loaded {SizeParser.Format(result.BytesRead)} ({result.FramesLoaded} sections) from {source.FullName} in {Ui.Ms(clock.Elapsed)}");
            foreach (string warning in result.Warnings)
            {
                Ui.Line("warning: " + warning);
            }

            Ui.Line("state sha256: " + machine.StateHash());
            return 0;
        }));
        return command;
    }
}
