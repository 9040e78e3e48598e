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
/// everything received is rolled back.
/// </summary>
public sealed class MigrationDestination : IDisposable
{
    private readonly TcpListener _listener;

    /// <summary>Listens on <paramref name="endpoint"/> (port 0 picks a free port).</summary>
    public MigrationDestination(IPEndPoint endpoint)
    {
        _listener = new TcpListener(endpoint);
        _listener.Start(1);
    }

    /// <summary>The endpoint actually bound.</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>
    /// How long a read may wait for the peer before the connection counts as stalled (and is dropped, the machine
    /// as before). Infinite by default.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

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
        using TcpClient client = _listener.AcceptTcpClient();
        client.ReceiveBufferSize = 4 << 20;
        client.NoDelay = true;
        client.ReceiveTimeout = client.SendTimeout = IdleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, IdleTimeout.TotalMilliseconds);
        using NetworkStream stream = client.GetStream();
        var returnPath = new ReturnPathWriter(stream);
        GuestWorkload? guest = null;
        PostcopyPages? pages = null;
        machine.RamSection.PostcopyPageRequested = (block, page) =>
        {
            // On the guest's thread. A request the broken connection cannot carry is not the guest's failure: the
            // loader reads from the same socket, fails and pauses postcopy, and the guest waits for the page there.
            try
            {
                returnPath.RequestPages(block.Id, (ulong)page << RamBlock.PageShift, RamBlock.PageSize);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
        };
        Postcopy = null;

        // The load is transactional: a stream cut short leaves the machine as it was (for a fresh machine the RAM
        // undo log only lists pages, since they were all zeros).
        MigrationLoadResult result;
        try
        {
            result = new MigrationLoader(machine.Registry, machine.StreamOptions)
            {
                CommandReceived = returnPath.OnCommand,
                PostcopyRun = () =>
                {
                    // On the loader's thread: nothing here may touch guest RAM (the page might be the next to come).
                    pages = machine.Ram.Postcopy;
                    guest = GuestWorkload.Attach(machine);
                    guest.Resume();
                },
            }.Load(stream);
        }
        catch (VmStateLoadException e) when (e.PostcopyPaused)
        {
            // The guest ran here and waits for pages only the source has: it is neither rolled back nor stopped.
            PausedGuest = guest;
            TryShut(returnPath);
            throw;
        }
        catch (Exception e) when (e is VmStateLoadException or IOException)
        {
            // Tell a source still waiting for LOADED that it keeps the guest, if it can still hear it.
            TryShut(returnPath);
            TryReply(stream, "FAILED " + PrintableText.OneLine(e.Message) + "\n");
            throw;
        }
        finally
        {
            machine.RamSection.PostcopyPageRequested = null;
        }

        // Loaded: from here the guest is ours, whether or not the source hears about it.
        ReplyError = null;
        var reply = new HashReply("", -1, 0, 0, 0);
        try
        {
            returnPath.Shut(failed: false);
            stream.Write("LOADED\n"u8);
            stream.Flush();
            reply = Hash(machine, guest, pages);
            stream.Write(Encoding.ASCII.GetBytes(reply.Format() + "\n"));
            stream.Flush();
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
