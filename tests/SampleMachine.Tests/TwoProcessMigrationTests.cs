using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using SampleMachine.Machine;
using SampleMachine.Migration;

namespace SampleMachine.Tests;

/// <summary>Live migration into a second process started with the <c>incoming</c> command.</summary>
public sealed class TwoProcessMigrationTests
{
    [Fact]
    public async Task Migrates_into_an_incoming_process_and_both_print_the_same_hash()
    {
        int port = FreePort();
        string dll = typeof(VirtualMachine).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "incoming", "--listen", $"127.0.0.1:{port}", "--memory", "16M"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process incoming = Process.Start(start)!;
        try
        {
            // Wait until it listens.
            string? first = await incoming.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith("waiting for a migration on", first, StringComparison.Ordinal);

            using var source = new VirtualMachine(16L << 20);
            using var guest = new GuestWorkload(source, seed: 21, dirtyPagesPerSecond: 10_000);
            guest.Resume();
            MigrationStats stats = new MigrationSource(source, guest, new MigrationParameters()).Migrate("127.0.0.1", port);
            Assert.True(stats.Completed, stats.FailureReason);

            string rest = await incoming.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await incoming.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, incoming.ExitCode);
            Assert.Contains("state sha256: " + stats.SourceHash, rest, StringComparison.Ordinal);
            Assert.Equal(stats.SourceHash, stats.DestinationHash);
        }
        finally
        {
            if (!incoming.HasExited)
            {
                incoming.Kill();
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
