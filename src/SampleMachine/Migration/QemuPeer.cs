using System.Net;
using System.Net.Sockets;
using VmState.Migration;
using VmState.Qemu.Machines;
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
    public static MigrationLoadResult Receive(TcpListener listener, QemuMachine machine, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(machine);
        using TcpClient client = listener.AcceptTcpClient();
        client.ReceiveBufferSize = 4 << 20;
        client.ReceiveTimeout = idleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, idleTimeout.TotalMilliseconds);
        using NetworkStream stream = client.GetStream();
        var returnPath = new ReturnPathWriter(stream);
        MigrationLoadResult result;
        try
        {
            result = new MigrationLoader(machine.Registry, machine.StreamOptions) { CommandReceived = returnPath.OnCommand }.Load(stream);
        }
        catch (Exception e) when (e is VmStateException or IOException)
        {
            // Told so, QEMU's source fails the migration and keeps its guest running (best effort: the link may be gone).
            try
            {
                returnPath.Shut(failed: true);
            }
            catch (IOException)
            {
            }

            throw;
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
    public static long Send(QemuMachine machine, IPEndPoint destination, TimeSpan? replyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(destination);
        using var client = new TcpClient { NoDelay = true, SendBufferSize = 4 << 20 };
        client.Connect(destination);
        client.ReceiveTimeout = (int)(replyTimeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds;
        using NetworkStream stream = client.GetStream();
        var output = new StreamBufferWriter(stream, 1 << 20);
        long bytes = MigrationSaver.SaveSnapshot(machine.Registry, output, machine.StreamOptions with { OpenReturnPath = true });
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
