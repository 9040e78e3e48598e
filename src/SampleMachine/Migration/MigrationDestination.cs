using System.Net.Sockets;
using System.Net;
using System.Text;
using SampleMachine.Machine;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Migration;

/// <summary>
/// The destination side: accepts one connection, loads the stream into a fresh machine, acknowledges with
/// <c>LOADED</c> (the end of the downtime) and then <c>HASH</c> with its state hash. If the stream fails or is cut,
/// everything received is rolled back; after POSTCOPY_RUN, when the guest already runs here, it waits for the source
/// to resume on a new connection instead (<see cref="ResumeTimeout"/>).
/// </summary>
public sealed class MigrationDestination : IDisposable
{
    private readonly TcpListener _listener;
    private readonly MultifdCompression? _compression;

    /// <summary>
    /// Listens on <paramref name="endpoint"/> (port 0 picks a free port) for migrations with <paramref name="channels"/>
    /// multifd channels besides the main connection (0: none), their pages compressed with <paramref name="compression"/>
    /// (null: not compressed).
    /// </summary>
    public MigrationDestination(IPEndPoint endpoint, int channels = 0, MultifdCompression? compression = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        Channels = channels;
        _compression = compression;
        _listener = new TcpListener(endpoint);

        // Room for the channels, which connect at once after the main connection.
        _listener.Start(channels + 1);
    }

    /// <summary>Multifd channels each migration comes with (0: none).</summary>
    public int Channels { get; }

    /// <summary>Bytes the last migration <see cref="Accept"/> took read on its multifd channels.</summary>
    public long MultifdBytes { get; private set; }

    /// <summary>The endpoint actually bound.</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>
    /// How long a read may wait for the peer before the connection counts as stalled (and is dropped, the machine
    /// as before). Infinite by default.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Take the switchover-ack capability: say SWITCHOVER_ACK once every live section approves.</summary>
    public bool SwitchoverAck { get; init; }

    /// <summary>
    /// Accepts one migration into <paramref name="machine"/>; returns its state hash after the load. A postcopy
    /// migration starts the machine's guest (<see cref="GuestWorkload.Attach"/>) at POSTCOPY_RUN, asks the source for
    /// each page it touches before it arrived, and pauses it for the hash once every page is in.
    /// </summary>
    /// <exception cref="VmState.Wire.VmStateLoadException">The stream was bad or cut; the machine is as before, unless
    /// <see cref="VmStateLoadException.PostcopyPaused"/>: the guest ran here and waits for the source's pages.</exception>
    /// <exception cref="IOException">The peer stalled longer than <see cref="IdleTimeout"/> or the connection broke; the machine is as before.</exception>
    public (MigrationLoadResult Result, string Hash) Accept(VirtualMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var connection = new Connection(_listener.AcceptTcpClient(), IdleTimeout);
        GuestWorkload? guest = null;
        PostcopyPages? pages = null;

        // Its thread is made now, while nothing waits: POSTCOPY_RUN only has to let it go.
        GuestWorkload standby = GuestWorkload.Attach(machine);
        machine.RamSection.PostcopyPageRequested = (block, page) =>
        {
            // On the guest's thread. A request the broken connection cannot carry is not the guest's failure: the
            // loader reads from the same socket, fails and pauses postcopy, and the guest waits for the page there
            // (a resumed connection asks for it again).
            try
            {
                Volatile.Read(ref connection).ReturnPath.RequestPages(block.Id, (ulong)page << RamBlock.PageShift, RamBlock.PageSize);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
        };
        Postcopy = null;
        PausedGuest = null;
        Resumes = 0;

        // The load is transactional: a stream cut short leaves the machine as it was (for a fresh machine the RAM
        // undo log only lists pages, since they were all zeros).
        MigrationLoadResult result;
        MultifdReceiver? multifd = null;
        var loader = new MigrationLoader(machine.Registry, machine.StreamOptions with { SwitchoverAck = SwitchoverAck })
        {
            SwitchoverApproved = () => Volatile.Read(ref connection).ReturnPath.SwitchoverAck(),
            CommandReceived = command =>
            {
                ReturnPathWriter returnPath = Volatile.Read(ref connection).ReturnPath;
                returnPath.OnCommand(command);
                if (command.Command == QemuMigrationCommand.PostcopyResume)
                {
                    // Requests sent on the broken connection may be lost; the guest still waits for these.
                    foreach ((RamBlock block, long page) in machine.RamSection.PendingPostcopyRequests())
                    {
                        returnPath.RequestPages(block.Id, (ulong)page << RamBlock.PageShift, RamBlock.PageSize);
                    }
                }
            },
            ReceivedBitmapRequested = (block, bitmap) => Volatile.Read(ref connection).ReturnPath.SendReceivedBitmap(block, bitmap),
            PostcopyRun = () =>
            {
                // On the loader's thread: nothing here may touch guest RAM (the page might be the next to come).
                pages = machine.Ram.Postcopy;
                guest = standby;
                guest.Resume();
            },
        };
        try
        {
            if (Channels > 0)
            {
                multifd = MultifdConnections.Accept(_listener, machine.RamSection, Channels, IdleTimeout, _compression);

                // A failed channel ends the main connection too, so that its load stops at once.
                Connection main = connection;
                multifd.Failed = _ => main.Shutdown();
                multifd.Start();
            }

            result = loader.Load(connection.Stream);
        }
        catch (VmStateLoadException e) when (e.PostcopyPaused)
        {
            // The guest ran here and waits for pages only the source has: it is neither rolled back nor stopped, and
            // waits for the source to resume on a new connection.
            result = AwaitResume(loader, e, ref connection);
        }
        catch (Exception e) when (e is VmStateLoadException or IOException)
        {
            // Tell a source still waiting for LOADED that it keeps the guest, if it can still hear it. The main
            // connection's failure may only be the echo of a channel's: that one says what went wrong.
            Exception cause = multifd?.Error is { } channel && e is not VmStateLoadException { Section: RamSection.IdStr } ? channel : e;
            TryShut(connection.ReturnPath);
            TryReply(connection.Stream, "FAILED " + PrintableText.OneLine(cause.Message) + "\n");
            connection.Dispose();
            if (!ReferenceEquals(cause, e))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }
        finally
        {
            MultifdBytes = multifd?.BytesReceived ?? 0;
            multifd?.Dispose();
            machine.RamSection.PostcopyPageRequested = null;
            if (guest is null)
            {
                standby.Dispose();
            }
            else if (loader.IsPostcopyPaused)
            {
                PausedGuest = guest;
            }
        }

        // Loaded: from here the guest is ours, whether or not the source hears about it.
        using (connection)
        {
            ReplyError = null;
            var reply = new HashReply("", -1, 0, 0, 0);
            try
            {
                connection.ReturnPath.Shut(failed: false);
                connection.Stream.Write("LOADED\n"u8);
                connection.Stream.Flush();
                reply = Hash(machine, guest, pages);
                connection.Stream.Write(Encoding.ASCII.GetBytes(reply.Format() + "\n"));
                connection.Stream.Flush();
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                ReplyError = PrintableText.OneLine(e.Message);
                if (reply.Hash.Length == 0)
                {
                    reply = Hash(machine, guest, pages);
                }
            }
            finally
            {
                guest?.Dispose();
            }

            return (result, reply.Hash);
        }
    }

    /// <summary>
    /// How long a paused postcopy waits for its source to come back (<c>migrate --resume</c>) before
    /// <see cref="Accept"/> gives up with the pause (default 10 minutes; zero: it gives up at once).
    /// </summary>
    public TimeSpan ResumeTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Told when a postcopy pauses (why, as one line) and the destination starts waiting for a resume.</summary>
    public Action<string>? Paused { get; init; }

    /// <summary>How many times the last postcopy <see cref="Accept"/> took was resumed on a new connection.</summary>
    public int Resumes { get; private set; }

    // Each new connection within the resume timeout of the last pause goes on with the paused load; one that is not a
    // resume (garbage, a new migration) pauses it again, which costs it nothing.
    private MigrationLoadResult AwaitResume(MigrationLoader loader, VmStateLoadException pause, ref Connection connection)
    {
        while (true)
        {
            TryShut(connection.ReturnPath);
            connection.Dispose();
            Paused?.Invoke(PrintableText.OneLine(pause.Message));
            TcpClient? next = AcceptWithin(ResumeTimeout);
            if (next is null)
            {
                throw pause;
            }

            Volatile.Write(ref connection, new Connection(next, IdleTimeout));
            try
            {
                MigrationLoadResult result = loader.Resume(connection.Stream);
                Resumes++;
                return result;
            }
            catch (VmStateLoadException e) when (e.PostcopyPaused)
            {
                Resumes++;
                pause = e;
            }
        }
    }

    private TcpClient? AcceptWithin(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return null;
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return _listener.AcceptTcpClientAsync(cancel.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    // One connection from a source: the stream and the return path on it.
    private sealed class Connection : IDisposable
    {
        private readonly TcpClient _client;

        public Connection(TcpClient client, TimeSpan idleTimeout)
        {
            _client = client;
            client.ReceiveBufferSize = 4 << 20;
            client.NoDelay = true;
            client.ReceiveTimeout = client.SendTimeout = idleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, idleTimeout.TotalMilliseconds);
            Stream = client.GetStream();
            ReturnPath = new ReturnPathWriter(Stream);
        }

        public NetworkStream Stream { get; }

        public ReturnPathWriter ReturnPath { get; }

        // Ends both directions at once (a failed multifd channel ends the load this way); safe from any thread.
        public void Shutdown()
        {
            try
            {
                _client.Client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            Stream.Dispose();
            _client.Dispose();
        }
    }

    /// <summary>The last postcopy migration <see cref="Accept"/> took (null: precopy).</summary>
    public PostcopyReport? Postcopy { get; private set; }

    /// <summary>After a paused postcopy: the guest that ran here and waits for the source's pages (not disposed).</summary>
    public GuestWorkload? PausedGuest { get; private set; }

    // After postcopy the guest ran on: it is paused between two steps for the hash, which names its step count.
    private HashReply Hash(VirtualMachine machine, GuestWorkload? guest, PostcopyPages? pages)
    {
        if (guest is null)
        {
            return new HashReply(machine.StateHash(), -1, 0, 0, 0);
        }

        guest.Pause();
        long faults = pages?.Faults ?? 0;
        Postcopy = new PostcopyReport(guest.Steps, faults, pages?.TotalWait ?? TimeSpan.Zero, pages?.MaxWait ?? TimeSpan.Zero);
        return new HashReply(machine.StateHash(), Postcopy.Steps, faults, (long)Postcopy.TotalWait.TotalMicroseconds, (long)Postcopy.MaxWait.TotalMicroseconds);
    }

    private static void TryShut(ReturnPathWriter returnPath)
    {
        try
        {
            returnPath.Shut(failed: true);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The source is gone or stalled too.
        }
    }

    /// <summary>
    /// Why the reply of the last migration <see cref="Accept"/> loaded did not reach the source (null: it was sent).
    /// The guest is this side's all the same; the source, without <c>LOADED</c>, keeps its copy paused.
    /// </summary>
    public string? ReplyError { get; private set; }

    private static void TryReply(NetworkStream stream, string line)
    {
        try
        {
            stream.Write(Encoding.ASCII.GetBytes(line));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The source is gone or stalled too; it finds out by itself.
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();
}

/// <summary>What the destination's guest did during a postcopy migration.</summary>
/// <param name="Steps">Steps the guest had taken in all when it was paused for the hash.</param>
/// <param name="Faults">Accesses that waited for a page.</param>
/// <param name="TotalWait">Their waits, in all.</param>
/// <param name="MaxWait">The longest wait.</param>
public sealed record PostcopyReport(long Steps, long Faults, TimeSpan TotalWait, TimeSpan MaxWait);
