using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using SampleMachine.Machine;
using SampleMachine.Migration;

namespace SampleMachine.Cli;

/// <summary>
/// <c>demo</c>: the README's first command. A machine runs its guest; a snapshot is saved, restored into a fresh
/// machine and compared; then the running machine live-migrates over loopback to a destination on its own socket,
/// and both sides' state hashes are compared.
/// </summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        var memory = CommonOptions.Memory(CommonOptions.GuestMemoryMin);
        var seed = CommonOptions.Seed();
        var rate = CommonOptions.DirtyRate(20_000);
        var command = new Command("demo", "Snapshot round trip and live migration of a running machine, checked by state hashes") { memory, seed, rate };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            long bytes = CommonOptions.MemoryBytes(parse, memory, CommonOptions.GuestMemoryMin);
            var rows = new List<(string, string)>();
            bool same = true;

            // Guest RAM is mapped up front (as QEMU's -mem-prealloc), so the guest and the loads do not wait on page faults.
            using var source = new VirtualMachine(bytes);
            source.Ram.Prefault();
            using var guest = new GuestWorkload(source, parse.GetValue(seed), parse.GetValue(rate));
            Ui.Line($"machine: {SizeParser.Format(bytes)} RAM, e1000 at {VirtualMachine.NicPath}; guest writes {parse.GetValue(rate):N0} pages/s");
            guest.Resume();
            Thread.Sleep(500);

            // 1. Snapshot: stop, save, restore into a fresh machine, compare.
            string file = Path.Combine(Path.GetTempPath(), $"vmstate-demo-{Environment.ProcessId}.vmsnap");
            try
            {
                guest.Pause();
                var clock = Stopwatch.StartNew();
                long written = source.SaveSnapshot(file);
                TimeSpan saveTime = clock.Elapsed;
                string before = source.StateHash();
                guest.Resume();

                using var restored = new VirtualMachine(bytes);
                restored.Ram.Prefault();
                clock.Restart();
                restored.LoadSnapshot(file);
                TimeSpan loadTime = clock.Elapsed;
                string after = restored.StateHash();
                same &= before == after;
                Ui.Line("snapshot state sha256: " + before);
                Ui.Line("restore  state sha256: " + after);
                rows.Add(("snapshot", $"{SizeParser.Format(written)}, saved in {Ui.Ms(saveTime)}, restored in {Ui.Ms(loadTime)}"));
                rows.Add(("snapshot check", before == after ? "identical" : "DIFFERENT"));
            }
            finally
            {
                File.Delete(file);
            }

            // 2. Live migration over loopback while the guest keeps writing.
            using var destinationMachine = new VirtualMachine(bytes);
            destinationMachine.Ram.Prefault();
            using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0));
            var incoming = Task.Run(() => destination.Accept(destinationMachine));
            MigrationStats stats = Ui.WithProgress("live migration", progress =>
                new MigrationSource(source, guest, new MigrationParameters()) { Progress = progress }
                    .Migrate(IPAddress.Loopback.ToString(), destination.LocalEndpoint.Port));
            (_, string destinationHash) = incoming.GetAwaiter().GetResult();
            bool migrated = stats.Completed && stats.SourceHash == destinationHash;
            same &= !stats.Completed || stats.SourceHash == destinationHash;
            Ui.Line("source      state sha256: " + stats.SourceHash);
            Ui.Line("destination state sha256: " + destinationHash);
            rows.Add(("migration", string.Create(CultureInfo.InvariantCulture, $"{SizeParser.Format(stats.Transferred)} in {Ui.Ms(stats.TotalTime)}, {stats.Iterations} iteration(s), downtime {Ui.Ms(stats.Downtime)} ({(stats.DowntimeExceeded ? "over" : "within")} the {Ui.Ms(stats.DowntimeLimit)} limit)")));
            rows.Add(("migration check", migrated ? "identical" : "DIFFERENT"));
            rows.Add(("guest", string.Create(CultureInfo.InvariantCulture, $"{guest.PagesWritten:N0} page writes, {guest.PacketsSent:N0} packets")));
            Ui.Table("demo summary", rows);
            return !same ? ExitCodes.HashMismatch : stats.Completed ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }
}
