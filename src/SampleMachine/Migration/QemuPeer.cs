using System.Net;
using System.Net.Sockets;
using VmState.Migration;
using VmState.Qemu.Machines;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Migration;

/// <summary>
/// Migration with QEMU 7.2 itself as the other side, over TCP as QEMU's <c>migrate tcp:</c> and <c>-incoming tcp:</c>
/// speak it: the stream, and, when a source with the <c>return-path</c> capability opens one, QEMU's return path on
/// the same connection (PONG for each PING, SHUT at the end).
/// </summary>
public static class QemuPeer
{
    /// <summary>
    /// Accepts one QEMU migration on <paramref name="listener"/> and loads the whole stream into
    /// <paramref name="machine"/> as it arrives. A bad or cut stream leaves the machine as it was.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream does not fit the machine, or was damaged or cut.</exception>
    /// <exception cref="IOException">The peer stalled longer than <paramref name="idleTimeout"/> or the connection broke.</exception>
    public static MigrationLoadResult Receive(TcpListener listener, QemuMachine machine, TimeSpan idleTimeout, int channels = 0, MultifdCompression? compression = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(machine);
        using TcpClient client = listener.AcceptTcpClient();
        client.ReceiveBufferSize = 4 << 20;
        client.ReceiveTimeout = idleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, idleTimeout.TotalMilliseconds);
        using NetworkStream stream = client.GetStream();
        var returnPath = new ReturnPathWriter(stream);
        MigrationLoadResult result;
        MultifdReceiver? multifd = null;
        try
        {
            if (channels > 0)
            {
                // QEMU 7.2 with the multifd capability: its channels connect right after the main connection.
                multifd = MultifdConnections.Accept(listener, machine.RamSection, channels, idleTimeout, compression);

                // A failed channel ends the main connection too: the source stops sending on it once a channel stalls.
                multifd.Failed = _ => client.Client.Shutdown(SocketShutdown.Both);
                multifd.Start();
            }

            result = new MigrationLoader(machine.Registry, machine.StreamOptions) { CommandReceived = returnPath.OnCommand }.Load(stream);
        }
        catch (Exception e) when (e is VmStateException or IOException or SocketException)
        {
            // The main connection's failure may only be the echo of a channel's: that one says what went wrong.
            if (multifd?.Error is { } cause && e is not VmStateLoadException { Section: RamSection.IdStr })
            {
                e = cause;
            }

            // Told so, QEMU's source fails the migration and keeps its guest running (best effort: the link may be gone).
            try
            {
                returnPath.Shut(failed: true);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
            }

            if (ReferenceEquals(e, multifd?.Error))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
            }

            throw;
        }
        finally
        {
            multifd?.Dispose();
        }

        // Without this SHUT a source with a return path would call the migration failed and run the guest again.
        returnPath.Shut(failed: false);
        return result;
    }

    /// <summary>
    /// Sends the stopped <paramref name="machine"/> to a QEMU waiting with <c>-incoming tcp:HOST:PORT</c>: every RAM
    /// page once, then every device section, EOF and the VMDESCRIPTION, with QEMU's return path opened; then waits
    /// (at most <paramref name="replyTimeout"/>, default 60 s) for QEMU's SHUT, which says whether it loaded the stream.
    /// Returns the bytes sent.
    /// </summary>
    /// <exception cref="IOException">QEMU said SHUT with an error (it did not load the stream), closed the connection
    /// without SHUT, or stayed silent past the timeout.</exception>
    public static long Send(QemuMachine machine, IPEndPoint destination, TimeSpan? replyTimeout = null, int channels = 0, MultifdCompression? compression = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(destination);
        using var client = new TcpClient { NoDelay = true, SendBufferSize = 4 << 20 };
        client.Connect(destination);
        client.ReceiveTimeout = (int)(replyTimeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds;
        using NetworkStream stream = client.GetStream();
        var output = new StreamBufferWriter(stream, 1 << 20);
        long bytes;
        if (channels == 0)
        {
            bytes = MigrationSaver.SaveSnapshot(machine.Registry, output, machine.StreamOptions with { OpenReturnPath = true });
        }
        else
        {
            // QEMU 7.2 with multifd on (and the same multifd-channels): the channels connect after the main connection.
            using MultifdSender multifd = MultifdConnections.Connect(destination, channels, client.ReceiveTimeout, compression);
            machine.RamSection.MultifdSender = multifd;
            var saver = new MigrationSaver(machine.Registry, output, machine.StreamOptions with { OpenReturnPath = true });
            try
            {
                // Each RAM EOS is flushed at once: QEMU's channels wait for it before they read on.
                saver.SaveStreamSetup();
                output.Flush();
                while (!saver.SaveStreamIterate(64 << 20))
                {
                    output.Flush();
                }

                saver.SaveStreamCompletePrecopy();
                bytes = saver.BytesWritten + multifd.BytesSent;
            }
            finally
            {
                saver.SaveStreamCleanup();
                machine.RamSection.MultifdSender = null;
            }
        }

        output.Flush();

        // Closing our side tells QEMU the stream is over; it loads what it has, answers SHUT and closes its side.
        client.Client.Shutdown(SocketShutdown.Send);
        uint shut = ReadShut(stream);
        if (shut != 0)
        {
            throw new IOException($"QEMU did not load the stream: it ended its return path with SHUT {shut}");
        }

        return bytes;
    }

    /// <summary>
    /// As <see cref="Send"/>, but in postcopy, as QEMU's <c>migrate_start_postcopy</c> does it: the first
    /// <paramref name="precopyBytes"/> of RAM, then the switch (discards of every page not yet sent, the devices in one
    /// PACKAGED blob, POSTCOPY_RUN), then the rest of RAM at <paramref name="bandwidth"/> bytes per second (0: no limit),
    /// the pages QEMU asks for on its return path first. The destination QEMU needs the <c>postcopy-ram</c> capability
    /// (and userfaultfd). Returns the bytes sent and the pages QEMU asked for.
    /// </summary>
    /// <exception cref="IOException">QEMU failed the load (SHUT with an error), closed the connection without SHUT, or
    /// stayed silent past the timeout.</exception>
    public static (long Bytes, long Requests) SendPostcopy(QemuMachine machine, IPEndPoint destination, long precopyBytes, long bandwidth, TimeSpan? replyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(destination);
        TimeSpan wait = replyTimeout ?? TimeSpan.FromSeconds(60);
        using var client = new TcpClient { NoDelay = true, SendBufferSize = 4 << 20 };
        client.Connect(destination);
        using NetworkStream stream = client.GetStream();
        var output = new StreamBufferWriter(stream, 1 << 20);
        var saver = new MigrationSaver(machine.Registry, output, machine.StreamOptions with { OpenReturnPath = true, Postcopy = true });
        using var returnPath = new SourceReturnPath(stream, machine.RamSection);
        try
        {
            saver.SaveStreamSetup();
            saver.SaveStreamIterate(precopyBytes);
            output.Flush();
            saver.SaveStreamStartPostcopy();
            output.Flush();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long start = output.BytesWritten;
            bool done;
            do
            {
                // Woken by a request, the next PART carries the requested pages alone; the rest keeps to the bandwidth.
                bool woken = MigrationSource.Pace(output.BytesWritten - start, clock, bandwidth, returnPath.Wake);
                done = saver.SaveStreamIterate(woken ? 0 : 64 << 10);
                output.Flush();
                if (returnPath.Error is { } error)
                {
                    throw new IOException($"QEMU's return path failed: {PrintableText.OneLine(error.Message)}", error);
                }
            }
            while (!done);

            saver.SaveStreamCompletePostcopy();
            output.Flush();
            if (!returnPath.WaitEnded(wait))
            {
                throw new IOException($"QEMU did not end its return path within {wait.TotalSeconds:0} s of the last page");
            }

            if (returnPath.Shut is not 0)
            {
                throw new IOException(returnPath.Shut is { } shut
                    ? $"QEMU did not load the stream: it ended its return path with SHUT {shut}"
                    : $"QEMU's return path ended without SHUT: {PrintableText.OneLine(returnPath.Error?.Message ?? "closed")}");
            }

            return (output.BytesWritten, machine.RamSection.PostcopyRequests);
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

    // Reads return-path messages (PONGs) until SHUT; its value.
    private static uint ReadShut(Stream stream)
    {
        var received = new List<byte>();
        byte[] chunk = new byte[256];
        while (true)
        {
            var reader = new VmStateReader(received.ToArray());
            try
            {
                while (!reader.End)
                {
                    ReturnPathMessage message = ReturnPathMessage.Read(ref reader);
                    if (message.Type == QemuReturnPathMessageType.Shut)
                    {
                        return message.Value;
                    }
                }
            }
            catch (VmStateLoadException e) when (e.IsEndOfInput)
            {
                // A message cut by the read: wait for the rest.
            }

            int n = stream.Read(chunk);
            if (n == 0)
            {
                throw new IOException("QEMU closed the connection without saying on its return path that it loaded the stream");
            }

            if (received.Count + n > 64 << 10)
            {
                throw new IOException("QEMU's return path ran past 64 KiB without a SHUT");
            }

            received.AddRange(chunk.AsSpan(0, n));
        }
    }
}
