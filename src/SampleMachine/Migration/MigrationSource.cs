using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        using TcpClient client = Connect(host, port);
        using NetworkStream stream = client.GetStream();
        if (_parameters.Channels == 0)
        {
            return Migrate(stream, client.Client);
        }

        // The channels connect after the main connection: the destination tells them apart by that order.
        int timeout = IdleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, IdleTimeout.TotalMilliseconds);
        using MultifdSender multifd = MultifdConnections.Connect((IPEndPoint)client.Client.RemoteEndPoint!, _parameters.Channels, timeout, _parameters.MultifdCompression);
        _machine.RamSection.MultifdSender = multifd;
        try
        {
            return Migrate(stream, client.Client);
        }
        finally
        {
            _machine.RamSection.MultifdSender = null;
        }
    }

    private TcpClient Connect(string host, int port)
    {
        int timeout = IdleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, IdleTimeout.TotalMilliseconds);
        var client = new TcpClient { NoDelay = true, SendBufferSize = 4 << 20, SendTimeout = timeout, ReceiveTimeout = timeout };
        try
        {
            if (timeout == 0)
            {
                client.Connect(host, port);
                return client;
            }

            // GetResult, not Wait: a refused connection is its SocketException, not an AggregateException.
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                client.ConnectAsync(host, port, cancel.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new IOException($"Could not connect to {host}:{port} within {IdleTimeout.TotalSeconds:0.###} s");
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
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
        MultifdSender? multifd = _machine.RamSection.MultifdSender;
        if (multifd is not null && _parameters.Postcopy)
        {
            throw new InvalidOperationException("multifd does not carry postcopy: migrate without channels");
        }

        // What went out on the main connection and the channels together.
        long Sent() => output.BytesWritten + (multifd?.BytesSent ?? 0);

        // Each PART ends with a sync of every channel (the pipeline drains), so with channels a PART is larger: up to
        // 128 MiB (50 ms at loopback speed), or a twentieth of a second's worth under a bandwidth limit.
        int chunk = multifd is null ? _parameters.ChunkBytes
            : Math.Max(_parameters.ChunkBytes, (int)Math.Min(128 << 20, _parameters.Bandwidth > 0 ? _parameters.Bandwidth / 20 : long.MaxValue));
        MigrationStreamOptions options = _parameters.Postcopy ? _machine.StreamOptions with { OpenReturnPath = true, Postcopy = true } : _machine.StreamOptions;
        if (_parameters.SwitchoverAck)
        {
            options = options with { OpenReturnPath = true, SwitchoverAck = true };
        }

        var saver = new MigrationSaver(_machine.Registry, output, options);
        var total = Stopwatch.StartNew();
        var history = new List<IterationRecord>();
        var ram = _machine.RamSection;
        double throttle = 0;
        bool paused = false;
        SourceReturnPath? returnPath = null;
        int readTimeout = socket?.ReceiveTimeout ?? 0;
        try
        {
            saver.SaveStreamSetup();
            output.Flush();
            if (_parameters.Postcopy || _parameters.SwitchoverAck)
            {
                // The return path is read all along (page requests come at any time), so it has no idle timeout of
                // its own; the waits for its messages have.
                if (socket is not null)
                {
                    socket.ReceiveTimeout = 0;
                }

                returnPath = new SourceReturnPath(connection, ram, _parameters.SwitchoverAck);
            }

            TimeSpan setup = total.Elapsed;
            int iteration = 0;
            double bandwidth = 0;
            double dirtyRate = 0;
            long remaining = saver.SaveStreamPendingEstimate().Total;
            bool postcopyNow = false;
            long convergedAt = 0;
            history.Add(new IterationRecord(0, remaining, 0, 0, throttle, total.Elapsed, Sent()));
            while (true)
            {
                iteration++;
                var pass = Stopwatch.StartNew();
                long passStart = Sent();
                bool done;
                do
                {
                    done = saver.SaveStreamIterate(chunk);
                    if (multifd is not null)
                    {
                        // The destination's channels wait at each RAM EOS until it arrives on the main connection.
                        output.Flush();
                    }

                    Pace(Sent() - passStart, pass, _parameters.Bandwidth, null);
                    if (Progress is not null)
                    {
                        // Until the first pass ends there is no measured bandwidth; the pass's own rate so far serves.
                        double running = pass.Elapsed.TotalSeconds > 0.01 ? (Sent() - passStart) / pass.Elapsed.TotalSeconds : bandwidth;
                        Progress(new MigrationProgress(iteration, Sent(), saver.SaveStreamPendingEstimate().Total, dirtyRate, running, throttle));
                    }

                    postcopyNow = _parameters.Postcopy && _parameters.PostcopyAfter is { } after && total.Elapsed >= after;
                    FailIfReturnPathBroke(returnPath);
                }
                while (!done && !postcopyNow);

                output.Flush();
                double seconds = Math.Max(pass.Elapsed.TotalSeconds, 1e-6);
                bandwidth = (Sent() - passStart) / seconds;
                remaining = saver.SaveStreamPendingExact().Total;
                dirtyRate = ram.LastDirtyPages / seconds;
                history.Add(new IterationRecord(iteration, remaining, dirtyRate, bandwidth, throttle, total.Elapsed, Sent()));
                Progress?.Invoke(new MigrationProgress(iteration, Sent(), remaining, dirtyRate, bandwidth, throttle, PassComplete: true));

                double threshold = bandwidth * _parameters.DowntimeLimitMs / 1000.0;
                if (remaining <= threshold)
                {
                    // With switchover ack the guest stops only once the destination approves; until then it iterates on.
                    if (returnPath is null || !_parameters.SwitchoverAck || returnPath.SwitchoverAcked)
                    {
                        break;
                    }

                    convergedAt = convergedAt == 0 ? Stopwatch.GetTimestamp() : convergedAt;
                    FailIfReturnPathBroke(returnPath);
                    if (returnPath.WaitSwitchoverAck(TimeSpan.FromMilliseconds(50)))
                    {
                        break;
                    }

                    // Passes while waiting do not count against --max-iterations; the idle timeout bounds the wait.
                    if (IdleTimeout != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(convergedAt) > IdleTimeout)
                    {
                        return GiveUp(saver, socket, total, iteration, output, history, dirtyRate,
                            $"converged, but the destination did not approve the switchover (no SWITCHOVER_ACK) within {IdleTimeout.TotalSeconds:0} s");
                    }

                    continue;
                }

                if (postcopyNow || (_parameters.Postcopy && iteration >= (_parameters.PostcopyPasses ?? (_parameters.PostcopyAfter is null ? 1 : int.MaxValue))))
                {
                    return CompletePostcopy(saver, output, connection, returnPath!, total, setup, iteration, dirtyRate, history);
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
            TimeSpan? ackWait = _parameters.SwitchoverAck ? (convergedAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(convergedAt)) : null;
            _guest?.Pause();
            paused = true;
            var downtime = Stopwatch.StartNew();
            saver.SaveStreamCompletePrecopy();
            output.Flush();

            // From here on the destination may hold the whole guest: without its LOADED the outcome is in doubt.
            ReplyLines lines;
            string? loaded;
            try
            {
                lines = Replies(connection, returnPath, socket, readTimeout);
                loaded = lines.ReadLine();
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
            HashReply? reply = null;
            try
            {
                reply = HashReply.Parse(lines.ReadLine());
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // The destination's hash is unknown (null below); the migration is complete all the same.
            }

            return new MigrationStats
            {
                Completed = true,
                TotalTime = total.Elapsed,
                Downtime = downtime.Elapsed,
                DowntimeLimit = TimeSpan.FromMilliseconds(_parameters.DowntimeLimitMs),
                EstimatedDowntime = estimated,
                SetupTime = setup,
                Transferred = Sent(),
                NormalPages = ram.NormalPages,
                ZeroPages = ram.ZeroPages,
                DirtyPagesRate = dirtyRate,
                Iterations = iteration,
                Throttle = throttle,
                SwitchoverAckWait = ackWait,
                SourceHash = sourceHash,
                DestinationHash = reply?.Hash,
                History = history,
                Parameters = _parameters,
                RamBytes = ram.TotalBytes,
            };
        }
        catch (Exception e) when (e is not MigrationInDoubtException and not PostcopyPausedException)
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

            if (returnPath is not null)
            {
                // Ends the reader if it still waits (the migration failed before SHUT).
                if (!returnPath.Ended)
                {
                    socket?.Shutdown(SocketShutdown.Both);
                    returnPath.WaitEnded(TimeSpan.FromSeconds(5));
                }

                returnPath.Dispose();
            }
        }
    }

    // Postcopy: the guest moves now, its missing pages follow (those it asks for first). Any failure from the
    // switch on pauses the migration: the guest has run there and only here are its missing pages.
    private MigrationStats CompletePostcopy(MigrationSaver saver, StreamBufferWriter output, Stream connection, SourceReturnPath returnPath, Stopwatch total, TimeSpan setup, int precopyPasses, double dirtyRate, List<IterationRecord> history)
    {
        long stopped = Stopwatch.GetTimestamp();
        _guest?.Pause();
        long stepsAtSwitch = _guest?.Steps ?? 0;
        TimeSpan switchedAt = total.Elapsed;
        try
        {
            saver.SaveStreamStartPostcopy();
            output.Flush();
            return FinishPostcopy(saver, output, connection, returnPath, total, setup, precopyPasses, dirtyRate, history, stopped, stepsAtSwitch, switchedAt);
        }
        catch (Exception e) when (e is IOException or SocketException or VmStateException)
        {
            throw new PostcopyPausedException($"postcopy paused: {PrintableText.OneLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// Resumes a postcopy that paused (<c>migrate --resume</c>): this machine is the source's copy as it was at the
    /// switch (saved when it paused), the destination's guest ran on and waits for what it misses. On a new connection
    /// the source asks for the destination's received bitmaps, sends every page not in them (those the guest waits
    /// for first), and completes as postcopy does.
    /// </summary>
    /// <exception cref="PostcopyPausedException">The resumed connection failed too: still paused, resume again.</exception>
    public MigrationStats Resume(string host, int port)
    {
        using var client = Connect(host, port);
        using NetworkStream stream = client.GetStream();
        client.Client.ReceiveTimeout = 0;
        var output = new StreamBufferWriter(stream, 1 << 20);
        var saver = new MigrationSaver(_machine.Registry, output, _machine.StreamOptions with { OpenReturnPath = true, Postcopy = true });
        var total = Stopwatch.StartNew();
        using var returnPath = new SourceReturnPath(stream, _machine.RamSection);
        TimeSpan wait = IdleTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(10) : IdleTimeout;
        try
        {
            IReadOnlyList<string> blocks = saver.SaveStreamResumeStart();
            output.Flush();
            for (int i = 0; i < blocks.Count; i++)
            {
                ReturnPathMessage bitmap = returnPath.NextBitmap(wait) ?? throw new IOException($"The destination sent {i} of {blocks.Count} received bitmaps within {wait.TotalSeconds:0} s");
                saver.SaveStreamResumeBitmap(bitmap.Block!, bitmap.Bitmap);
            }

            saver.SaveStreamResumeContinue();
            output.Flush();
            if (!returnPath.WaitResumeAck(wait))
            {
                FailIfReturnPathBroke(returnPath);
                throw new IOException($"The destination did not acknowledge POSTCOPY_RESUME within {wait.TotalSeconds:0} s");
            }

            return FinishPostcopy(saver, output, stream, returnPath, total, total.Elapsed, 0, 0, [], 0, _guest?.Steps ?? 0, TimeSpan.Zero);
        }
        catch (Exception e) when (e is IOException or SocketException or VmStateException)
        {
            throw new PostcopyPausedException($"postcopy paused: {PrintableText.OneLine(e.Message)}", e);
        }
        finally
        {
            saver.SaveStreamCleanup();
            if (!returnPath.Ended)
            {
                client.Client.Shutdown(SocketShutdown.Both);
                returnPath.WaitEnded(TimeSpan.FromSeconds(5));
            }
        }
    }

    // After the switch, or a resume: the rest of RAM (requested pages first), then the destination's end of the
    // return path, its LOADED and its hash; this copy then replays the steps the guest took there.
    private MigrationStats FinishPostcopy(MigrationSaver saver, StreamBufferWriter output, Stream connection, SourceReturnPath returnPath, Stopwatch total, TimeSpan setup, int precopyPasses, double dirtyRate, List<IterationRecord> history, long stopped, long stepsAtSwitch, TimeSpan switchedAt)
    {
        RamSection ram = _machine.RamSection;
        var pass = Stopwatch.StartNew();
        long passStart = output.BytesWritten;
        int chunk = Math.Min(_parameters.ChunkBytes, 64 << 10);
        bool done;
        long budget = chunk;
        do
        {
            done = saver.SaveStreamIterate(budget);
            output.Flush();

            // Woken by a request, the next PART carries the requested pages alone, ahead of the limit as in QEMU;
            // the background pass keeps to the bandwidth.
            budget = !done && Pace(output.BytesWritten - passStart, pass, _parameters.PostcopyBandwidth, returnPath.Wake) ? 0 : chunk;

            FailIfReturnPathBroke(returnPath);
            Progress?.Invoke(new MigrationProgress(precopyPasses + 1, output.BytesWritten, saver.SaveStreamPendingEstimate().Total, 0, (output.BytesWritten - passStart) / Math.Max(pass.Elapsed.TotalSeconds, 1e-6), 0, Postcopy: true));
        }
        while (!done);

        saver.SaveStreamCompletePostcopy();
        output.Flush();
        TimeSpan wait = IdleTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(10) : IdleTimeout;
        if (!returnPath.WaitEnded(wait))
        {
            throw new IOException($"The destination did not end its return path within {wait.TotalSeconds:0} s of the last page");
        }

        FailIfReturnPathBroke(returnPath);
        if (returnPath.Shut != 0)
        {
            throw new IOException($"The destination ended its return path with SHUT {returnPath.Shut}: it failed to load the rest");
        }

        ReplyLines lines = returnPath.Lines(connection);
        string? loaded = lines.ReadLine();
        total.Stop();
        if (loaded != "LOADED")
        {
            throw new IOException(loaded is null ? "The destination closed the connection before LOADED" : $"The destination answered {PrintableText.Escape(loaded)} instead of LOADED");
        }

        HashReply reply = HashReply.Parse(lines.ReadLine()) ?? throw new IOException("The destination's state hash did not arrive");

        // The destination's guest ran on from the switch; the same steps on this copy give the same state.
        long steps = reply.Steps - stepsAtSwitch;
        if (steps < 0 || (_guest is null && steps != 0))
        {
            throw new IOException($"The destination reports {reply.Steps} guest steps, fewer than the {stepsAtSwitch} taken here");
        }

        _guest?.Step((int)Math.Min(steps, int.MaxValue));
        long acknowledged = returnPath.RunAcknowledged;
        return new MigrationStats
        {
            Completed = true,
            Postcopy = true,
            TotalTime = total.Elapsed,
            Downtime = stopped == 0 || acknowledged == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(stopped, acknowledged),
            DowntimeLimit = TimeSpan.FromMilliseconds(_parameters.DowntimeLimitMs),
            SetupTime = setup,
            Transferred = output.BytesWritten,
            NormalPages = ram.NormalPages,
            ZeroPages = ram.ZeroPages,
            DirtyPagesRate = dirtyRate,
            Iterations = precopyPasses,
            PostcopyStart = switchedAt,
            PostcopyRequests = ram.PostcopyRequests,
            PostcopyFaults = reply.Faults,
            PostcopyMeanWait = reply.Faults > 0 ? TimeSpan.FromMicroseconds(reply.WaitMicroseconds / (double)reply.Faults) : TimeSpan.Zero,
            PostcopyMaxWait = TimeSpan.FromMicroseconds(reply.MaxWaitMicroseconds),
            ReplayedSteps = steps,
            SourceHash = _machine.StateHash(),
            DestinationHash = reply.Hash,
            History = history,
            Parameters = _parameters,
            RamBytes = _machine.RamSection.TotalBytes,
        };
    }

    private static void FailIfReturnPathBroke(SourceReturnPath? returnPath)
    {
        if (returnPath?.Error is { } error)
        {
            throw new IOException($"The return path failed: {PrintableText.OneLine(error.Message)}", error);
        }
    }

    // The reply lines: straight off the connection, or, with a return path, after its SHUT.
    private ReplyLines Replies(Stream connection, SourceReturnPath? returnPath, Socket? socket, int readTimeout)
    {
        if (returnPath is null)
        {
            return new ReplyLines([], connection);
        }

        TimeSpan wait = IdleTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(10) : IdleTimeout;
        if (!returnPath.WaitEnded(wait))
        {
            throw new IOException($"The destination did not end its return path within {wait.TotalSeconds:0} s");
        }

        FailIfReturnPathBroke(returnPath);
        if (socket is not null)
        {
            socket.ReceiveTimeout = readTimeout;
        }

        return returnPath.Lines(connection);
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
            Transferred = output.BytesWritten + (_machine.RamSection.MultifdSender?.BytesSent ?? 0),
            NormalPages = _machine.RamSection.NormalPages,
            ZeroPages = _machine.RamSection.ZeroPages,
            DirtyPagesRate = dirtyRate,
            Iterations = iterations,
            History = history,
            Parameters = _parameters,
            RamBytes = _machine.RamSection.TotalBytes,
        };
    }

    // Holds the sender to the bandwidth; a request on the return path (wake) cuts the wait short: then true.
    internal static bool Pace(long sent, Stopwatch pass, long bandwidth, SemaphoreSlim? wake)
    {
        double ahead = bandwidth <= 0 ? 0 : (sent / (double)bandwidth) - pass.Elapsed.TotalSeconds;
        if (wake is null)
        {
            if (ahead > 0.001)
            {
                Thread.Sleep(TimeSpan.FromSeconds(ahead));
            }

            return false;
        }

        // Without a limit only the requests already queued count.
        return wake.Wait(ahead > 0.001 ? TimeSpan.FromSeconds(ahead) : TimeSpan.Zero);
    }

    /// <summary>The longest reply line a destination may send (LOADED, HASH, FAILED ...), newline excluded.</summary>
    public const int MaxPeerLine = 4096;
}
