using System.Diagnostics;
using System.Net;
using SampleMachine.Machine;
using SampleMachine.Migration;

namespace SampleMachine.Tests;

/// <summary>Live migration into a second process started with the <c>incoming</c> command.</summary>
public sealed class TwoProcessMigrationTests
{
    private const string Waiting = "waiting for a migration on ";

    [Fact]
    public async Task Migrates_into_an_incoming_process_and_both_print_the_same_hash()
    {
        // Port 0: the child binds a free port itself and prints it, so no other process can take it in between.
        string dll = typeof(VirtualMachine).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "incoming", "--listen", "127.0.0.1:0", "--memory", "16M"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process incoming = Process.Start(start)!;
        Task<string> errors = incoming.StandardError.ReadToEndAsync();
        try
        {
            // Wait until it listens, and read where.
            string? first = await incoming.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first is not null && first.StartsWith(Waiting, StringComparison.Ordinal), $"first line: '{first}'; stderr: {await ErrorsSoFar(incoming, errors)}");
            IPEndPoint endpoint = IPEndPoint.Parse(first[Waiting.Length..]);
            Assert.Equal(IPAddress.Loopback, endpoint.Address);
            Assert.NotEqual(0, endpoint.Port);

            using var source = new VirtualMachine(16L << 20);
            using var guest = new GuestWorkload(source, seed: 21, dirtyPagesPerSecond: 10_000);
            guest.Resume();
            MigrationStats stats = new MigrationSource(source, guest, new MigrationParameters()).Migrate("127.0.0.1", endpoint.Port);
            Assert.True(stats.Completed, stats.FailureReason);

            string rest = await incoming.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await incoming.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(incoming.ExitCode == 0, $"exit {incoming.ExitCode}; stderr: {await errors}");
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

    // The child's stderr once it has exited (or a note that it still runs), for a failure message.
    private static async Task<string> ErrorsSoFar(Process process, Task<string> errors)
    {
        if (!process.HasExited)
        {
            return "(still running)";
        }

        return await errors.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
