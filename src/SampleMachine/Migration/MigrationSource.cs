using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using SampleMachine.Machine;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Migration;

/// <summary>
/// The source side of a precopy live migration over a stream (TCP). Iterates over dirty memory while the guest
/// runs; switches over when what remains fits the downtime limit at the measured bandwidth (QEMU's rule); gives up
/// cleanly after the iteration limit, or with auto-converge throttles the guest until it converges.
/// </summary>
public sealed class MigrationSource
{
    // Even a fully throttled guest may outrun a very slow link; auto-converge still gives up eventually.
    private const int AutoConvergeIterationCap = 200;

    private readonly VirtualMachine _machine;
    private readonly GuestWorkload? _guest;
    private readonly MigrationParameters _parameters;

    /// <summary>A source for <paramref name="machine"/>, whose running guest is <paramref name="guest"/> (null: idle).</summary>
    public MigrationSource(VirtualMachine machine, GuestWorkload? guest, MigrationParameters parameters)
    {
        _machine = machine;
        _guest = guest;
        _parameters = parameters;
    }

    /// <summary>Called after every chunk and pass.</summary>
    public Action<MigrationProgress>? Progress { get; init; }

    /// <summary>
    /// How long connecting, or a write or read on the connection, may wait for the destination before the migration
    /// fails as stalled (before the switchover the guest keeps running here; waiting for LOADED, the switchover is in
    /// doubt). Infinite by default.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> and migrates.</summary>
    public MigrationStats Migrate(string host, int port)
    {
        int timeout = IdleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, IdleTimeout.TotalMilliseconds);
        using var client = new TcpClient { NoDelay = true, SendBufferSize = 4 << 20, SendTimeout = timeout, ReceiveTimeout = timeout };
        if (timeout == 0)
        {
            client.Connect(host, port);
        }
        else if (!client.ConnectAsync(host, port).Wait(timeout))
        {
            throw new IOException($"Could not connect to {host}:{port} within {IdleTimeout.TotalSeconds:0.###} s");
        }

        using NetworkStream stream = client.GetStream();
        return Migrate(stream, client.Client);
    }

    /// <summary>Migrates over an open connection; <paramref name="socket"/> (optional) is shut down on give-up.</summary>
    /// <exception cref="IOException">The connection failed before the whole state was sent, or the destination
    /// answered FAILED: the guest runs on here.</exception>
    /// <exception cref="MigrationInDoubtException">The whole state was sent but no LOADED came: the guest stays paused
    /// here, since the destination may run it.</exception>
    public MigrationStats Migrate(Stream connection, Socket? socket = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var output = new StreamBufferWriter(connection, 1 << 20);
        var saver = new MigrationSaver(_machine.Registry, output, _machine.StreamOptions);
        var total = Stopwatch.StartNew();
        var history = new List<IterationRecord>();
        var ram = _machine.RamSection;
        double throttle = 0;
        bool paused = false;
        try
        {
            saver.SaveStreamSetup();
            output.Flush();
            TimeSpan setup = total.Elapsed;
            int iteration = 0;
            double bandwidth = 0;
            double dirtyRate = 0;
            long remaining = saver.SaveStreamPendingEstimate().Total;
            while (true)
            {
                iteration++;
                var pass = Stopwatch.StartNew();
                long passStart = output.BytesWritten;
                bool done;
                do
                {
                    done = saver.SaveStreamIterate(_parameters.ChunkBytes);
                    Pace(output.BytesWritten - passStart, pass);
                    if (Progress is not null)
                    {
                        // Until the first pass ends there is no measured bandwidth; the pass's own rate so far serves.
                        double running = pass.Elapsed.TotalSeconds > 0.01 ? (output.BytesWritten - passStart) / pass.Elapsed.TotalSeconds : bandwidth;
                        Progress(new MigrationProgress(iteration, output.BytesWritten, saver.SaveStreamPendingEstimate().Total, dirtyRate, running, throttle));
                    }
                }
                while (!done);

                output.Flush();
                double seconds = Math.Max(pass.Elapsed.TotalSeconds, 1e-6);
                bandwidth = (output.BytesWritten - passStart) / seconds;
                remaining = saver.SaveStreamPendingExact().Total;
                dirtyRate = ram.LastDirtyPages / seconds;
                history.Add(new IterationRecord(iteration, remaining, dirtyRate, bandwidth, throttle));
                Progress?.Invoke(new MigrationProgress(iteration, output.BytesWritten, remaining, dirtyRate, bandwidth, throttle, PassComplete: true));

                double threshold = bandwidth * _parameters.DowntimeLimitMs / 1000.0;
                if (remaining <= threshold)
                {
                    break;
                }

                if (_parameters.AutoConverge && iteration < AutoConvergeIterationCap)
                {
                    // QEMU throttles once a pass dirtied more than half of what it sent; any non-converging pass here.
                    throttle = throttle == 0 ? _parameters.ThrottleInitial : Math.Min(0.99, throttle + _parameters.ThrottleIncrement);
                    if (_guest is not null)
                    {
                        _guest.Throttle = throttle;
                    }
                }
                else if (iteration >= (_parameters.AutoConverge ? AutoConvergeIterationCap : _parameters.MaxIterations))
                {
                    return GiveUp(saver, socket, total, iteration, output, history, dirtyRate,
                        $"did not converge after {iteration} iterations: {remaining:N0} bytes pending, {threshold:N0} bytes fit in {_parameters.DowntimeLimitMs} ms at the measured bandwidth");
                }
            }

            // Switchover: stop the guest, send the rest and every device. What the pause should take, from the bytes
            // left and the bandwidth the last pass measured, is kept to set beside what it took.
            TimeSpan estimated = TimeSpan.FromSeconds(bandwidth > 0 ? remaining / bandwidth : 0);
            _guest?.Pause();
            paused = true;
            var downtime = Stopwatch.StartNew();
            saver.SaveStreamCompletePrecopy();
            output.Flush();

            // From here on the destination may hold the whole guest: without its LOADED the outcome is in doubt.
            string? loaded;
            try
            {
                loaded = ReadLine(connection);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                throw new MigrationInDoubtException($"the whole state was sent but the destination did not confirm it: {PrintableText.OneLine(e.Message)}", e);
            }

            downtime.Stop();
            total.Stop();
            if (loaded is not null && loaded.StartsWith("FAILED ", StringComparison.Ordinal))
            {
                // The destination says it rolled back: the guest is only ours.
                throw new IOException($"The destination did not load the state: {PrintableText.Escape(loaded[7..])}");
            }

            if (loaded != "LOADED")
            {
                throw new MigrationInDoubtException(loaded is null
                    ? "the whole state was sent but the destination closed the connection without confirming it"
                    : $"the whole state was sent but the destination answered {PrintableText.Escape(loaded)} instead of LOADED");
            }

            // LOADED: the destination owns the guest now; ours stays paused whatever happens to the hash line.
            paused = false;
            string sourceHash = _machine.StateHash();
            string? hashLine = null;
            try
            {
                hashLine = ReadLine(connection);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // The destination's hash is unknown (null below); the migration is complete all the same.
            }

            string? destinationHash = hashLine is not null && hashLine.StartsWith("HASH ", StringComparison.Ordinal) ? hashLine[5..] : null;
            return new MigrationStats
            {
                Completed = true,
                TotalTime = total.Elapsed,
                Downtime = downtime.Elapsed,
                DowntimeLimit = TimeSpan.FromMilliseconds(_parameters.DowntimeLimitMs),
                EstimatedDowntime = estimated,
                SetupTime = setup,
                Transferred = output.BytesWritten,
                NormalPages = ram.NormalPages,
                ZeroPages = ram.ZeroPages,
                DirtyPagesRate = dirtyRate,
                Iterations = iteration,
                Throttle = throttle,
                SourceHash = sourceHash,
                DestinationHash = destinationHash,
                History = history,
            };
        }
        catch (Exception e) when (e is not MigrationInDoubtException)
        {
            // A failed migration leaves the source running; one in doubt leaves the guest paused (see above).
            if (paused)
            {
                _guest?.Resume();
            }

            throw;
        }
        finally
        {
            saver.SaveStreamCleanup();
            if (_guest is not null)
            {
                _guest.Throttle = 0;
            }
        }
    }

    private MigrationStats GiveUp(MigrationSaver saver, Socket? socket, Stopwatch total, int iterations, StreamBufferWriter output, List<IterationRecord> history, double dirtyRate, string reason)
    {
        // Closing the connection mid-stream makes the destination discard what it loaded.
        saver.SaveStreamCleanup();
        socket?.Shutdown(SocketShutdown.Both);
        return new MigrationStats
        {
            Completed = false,
            FailureReason = reason,
            TotalTime = total.Elapsed,
            Transferred = output.BytesWritten,
            NormalPages = _machine.RamSection.NormalPages,
            ZeroPages = _machine.RamSection.ZeroPages,
            DirtyPagesRate = dirtyRate,
            Iterations = iterations,
            History = history,
        };
    }

    private void Pace(long sent, Stopwatch pass)
    {
        if (_parameters.Bandwidth <= 0)
        {
            return;
        }

        double due = sent / (double)_parameters.Bandwidth;
        double ahead = due - pass.Elapsed.TotalSeconds;
        if (ahead > 0.001)
        {
            Thread.Sleep(TimeSpan.FromSeconds(ahead));
        }
    }

    /// <summary>The longest reply line a destination may send (LOADED, HASH, FAILED ...), newline excluded.</summary>
    public const int MaxPeerLine = 4096;

    // One reply line of the destination, without its newline; null when the connection closed before any byte.
    internal static string? ReadLine(Stream stream)
    {
        var line = new StringBuilder();
        Span<byte> one = stackalloc byte[1];
        while (true)
        {
            if (stream.Read(one) == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            if (one[0] == (byte)'\n')
            {
                return line.ToString();
            }

            if (line.Length == MaxPeerLine)
            {
                throw new MigrationPeerException($"The destination sent a reply line longer than {MaxPeerLine} bytes: {PrintableText.Escape(line.ToString(0, 40))}...");
            }

            line.Append((char)one[0]);
        }
    }
}
