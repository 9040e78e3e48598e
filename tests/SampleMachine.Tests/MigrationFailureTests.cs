using System.Net;
using System.Net.Sockets;
using SampleMachine.Cli;
using SampleMachine.Machine;
using SampleMachine.Migration;

namespace SampleMachine.Tests;

/// <summary>
/// A migration never loses the guest: a destination that dies before the switchover leaves the source running, which
/// says so with its state hash, tries again with <c>--retry</c>, and can save the guest with <c>--save-on-failure</c>.
/// </summary>
public sealed class MigrationFailureTests
{
    private static (int Rc, string Output, string Errors) Migrate(params string[] args) => InProcessCli.Run(["migrate", .. args]);

    [Fact]
    public async Task A_completed_migration_over_its_downtime_limit_says_so_and_with_strict_downtime_exits_6()
    {
        // A limit of 0 ms: with no dirtying the first pass leaves nothing, so it switches over, and any pause is over.
        foreach (bool strict in new[] { false, true })
        {
            using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0));
            using var machine = new VirtualMachine(4L << 20);
            Task<(VmState.Migration.MigrationLoadResult Result, string Hash)> accept = Task.Run(() => destination.Accept(machine));
            string[] args = ["--to", "127.0.0.1:" + destination.LocalEndpoint.Port, "--memory", "4M", "--dirty-rate", "0", "--warmup", "0", "--downtime-limit", "0"];

            (int rc, string output, string errors) = Migrate(strict ? [.. args, "--strict-downtime"] : args);
            (_, string hash) = await accept.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(strict ? ExitCodes.DowntimeExceeded : ExitCodes.Ok, rc);
            Assert.Contains("state sha256: " + hash, output, StringComparison.Ordinal);
            Assert.Contains("(limit 0 ms, EXCEEDED; estimated", output, StringComparison.Ordinal);
            Assert.StartsWith(strict ? "error: the guest was paused " : "warning: the guest was paused ", errors, StringComparison.Ordinal);
            Assert.Contains("over the 0 ms downtime limit", errors, StringComparison.Ordinal);
        }
    }

    // Accepts a connection, takes a little of the stream, and drops it: a destination that died mid-migration.
    private static async Task DieAfterSomeBytes(TcpListener listener)
    {
        using TcpClient client = await listener.AcceptTcpClientAsync();
        client.LingerState = new LingerOption(true, 0);
        byte[] some = new byte[64 << 10];
        await client.GetStream().ReadAtLeastAsync(some, some.Length, throwOnEndOfStream: false);
    }

    [Fact]
    public async Task When_the_destination_dies_the_source_keeps_its_guest_saves_it_and_says_its_hash()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task destination = DieAfterSomeBytes(listener);
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-failure-{Guid.NewGuid():N}.vmsnap");
        try
        {
            (int rc, string output, string errors) = Migrate("--to", "127.0.0.1:" + port, "--memory", "16M", "--fill", "0.5", "--warmup", "0", "--save-on-failure", file);
            await destination;

            Assert.Equal(4, rc);
            Assert.Contains("migration attempt 1 failed", errors, StringComparison.Ordinal);
            Assert.Contains("the source keeps running", errors, StringComparison.Ordinal);
            string hash = output.Split('\n').Single(l => l.StartsWith("state sha256: ", StringComparison.Ordinal))["state sha256: ".Length..].Trim();

            // The saved guest is the one whose hash was printed: nothing was lost.
            using var again = new VirtualMachine(16L << 20);
            again.LoadSnapshot(file);
            Assert.Equal(hash, again.StateHash());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task With_retry_a_migration_whose_first_destination_died_completes_on_the_next()
    {
        // First a destination that dies, listening before the source starts; then a real one on the same port.
        var dying = new TcpListener(IPAddress.Loopback, 0);
        dying.Start();
        int port = ((IPEndPoint)dying.LocalEndpoint).Port;
        Task destinations = Task.Run(async () =>
        {
            await DieAfterSomeBytes(dying);
            dying.Stop();
            using var real = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, port));
            using var machine = new VirtualMachine(16L << 20);
            real.Accept(machine);
        });

        (int rc, string output, string errors) = Migrate("--to", "127.0.0.1:" + port, "--memory", "16M", "--fill", "0.5", "--warmup", "0", "--retry", "3");
        await destinations.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(rc == 0, output + errors);
        Assert.Contains("migration attempt 1 failed", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("attempt 2 failed", errors, StringComparison.Ordinal);
    }
}
