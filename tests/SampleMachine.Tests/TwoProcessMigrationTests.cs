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

    [Fact]
    public async Task A_stalled_peer_and_a_garbage_peer_are_rejected_and_the_migration_after_them_succeeds()
    {
        string dll = typeof(VirtualMachine).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "incoming", "--listen", "127.0.0.1:0", "--memory", "16M", "--idle-timeout", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process incoming = Process.Start(start)!;
        var errors = new System.Text.StringBuilder();
        incoming.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        incoming.BeginErrorReadLine();
        try
        {
            string? first = await incoming.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first is not null && first.StartsWith(Waiting, StringComparison.Ordinal), $"first line: '{first}'");
            int port = IPEndPoint.Parse(first[Waiting.Length..]).Port;

            // A peer that connects and sends nothing: dropped after the idle timeout, not waited for forever.
            using (var idle = new System.Net.Sockets.TcpClient())
            {
                await idle.ConnectAsync(IPAddress.Loopback, port);
                await WaitForRejections(errors, 1);
            }

            // A peer that sends garbage: refused, and the process goes on listening.
            using (var garbage = new System.Net.Sockets.TcpClient())
            {
                await garbage.ConnectAsync(IPAddress.Loopback, port);
                await garbage.GetStream().WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
                await WaitForRejections(errors, 2);
            }

            using var source = new VirtualMachine(16L << 20);
            source.FillRandom(seed: 3, fraction: 0.25);
            MigrationStats stats = new MigrationSource(source, null, new MigrationParameters()).Migrate("127.0.0.1", port);
            Assert.True(stats.Completed, stats.FailureReason);
            Assert.Equal(stats.SourceHash, stats.DestinationHash);
            await incoming.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, incoming.ExitCode);
            string text;
            lock (errors)
            {
                text = errors.ToString();
            }

            Assert.Contains("Not a migration stream", text, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            if (!incoming.HasExited)
            {
                incoming.Kill();
            }
        }
    }

    [Fact]
    public async Task With_once_a_failed_connection_ends_the_process_with_the_bad_input_code()
    {
        string dll = typeof(VirtualMachine).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "incoming", "--listen", "127.0.0.1:0", "--memory", "16M", "--once"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process incoming = Process.Start(start)!;
        Task<string> errors = incoming.StandardError.ReadToEndAsync();
        try
        {
            string? first = await incoming.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first is not null && first.StartsWith(Waiting, StringComparison.Ordinal), $"first line: '{first}'");
            using (var garbage = new System.Net.Sockets.TcpClient())
            {
                await garbage.ConnectAsync(IPAddress.Loopback, IPEndPoint.Parse(first[Waiting.Length..]).Port);
                await garbage.GetStream().WriteAsync("not a stream"u8.ToArray());
            }

            await incoming.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(3, incoming.ExitCode);
            Assert.StartsWith("error: ", await errors, StringComparison.Ordinal);
        }
        finally
        {
            if (!incoming.HasExited)
            {
                incoming.Kill();
            }
        }
    }

    private static async Task WaitForRejections(System.Text.StringBuilder errors, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (errors)
            {
                if (errors.ToString().Split("rejected a connection").Length - 1 >= count)
                {
                    return;
                }
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "no rejection reported; stderr: " + errors);
            await Task.Delay(50);
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
