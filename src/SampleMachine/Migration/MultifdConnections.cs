using System.Net;
using System.Net.Sockets;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Migration;

/// <summary>
/// The TCP side of multifd as QEMU 7.2 sets it up: the main connection first, then one connection per channel to the
/// same address, each opening with its hello. QEMU 7.2's destination tells them apart by that order alone.
/// </summary>
internal static class MultifdConnections
{
    /// <summary>How long a destination waits for the source's channels after its main connection.</summary>
    public static readonly TimeSpan ChannelWait = TimeSpan.FromSeconds(60);

    /// <summary>Opens <paramref name="count"/> channel connections to <paramref name="destination"/> (compressed with <paramref name="compression"/>, if given).</summary>
    public static MultifdSender Connect(IPEndPoint destination, int count, int timeoutMs = 0, MultifdCompression? compression = null)
    {
        // The main connection's peer address may come back IPv4-mapped ([::ffff:a.b.c.d]): connect as IPv4 then.
        if (destination.Address.IsIPv4MappedToIPv6)
        {
            destination = new IPEndPoint(destination.Address.MapToIPv4(), destination.Port);
        }

        var streams = new List<Stream>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var client = new TcpClient(destination.AddressFamily) { NoDelay = true, SendBufferSize = 4 << 20, SendTimeout = timeoutMs };
                try
                {
                    client.Connect(destination);
                }
                catch
                {
                    client.Dispose();
                    throw;
                }

                // The stream owns the socket: the sender's Dispose closes both.
                streams.Add(new NetworkStream(client.Client, ownsSocket: true));
            }

            return new MultifdSender(streams, compression: compression);
        }
        catch
        {
            foreach (Stream s in streams)
            {
                s.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Accepts <paramref name="count"/> channel connections on <paramref name="listener"/>, reads their hellos and
    /// attaches them, in channel-id order, to <paramref name="ram"/> (not started).
    /// </summary>
    /// <exception cref="IOException">Fewer channels came within <see cref="ChannelWait"/> (or the idle timeout, if shorter).</exception>
    /// <exception cref="VmStateLoadException">A connection was not a channel of this migration, or named a channel twice.</exception>
    public static MultifdReceiver Accept(TcpListener listener, RamSection ram, int count, TimeSpan idleTimeout, MultifdCompression? compression = null)
    {
        var streams = new Stream?[count];

        // The source opens its channels at once: a missing one is waited for no longer than a stalled read.
        TimeSpan wait = idleTimeout == Timeout.InfiniteTimeSpan || idleTimeout > ChannelWait ? ChannelWait : idleTimeout;
        try
        {
            for (int accepted = 0; accepted < count; accepted++)
            {
                using var cancel = new CancellationTokenSource(wait);
                Socket socket;
                try
                {
                    socket = listener.AcceptSocketAsync(cancel.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    throw new IOException($"the source opened {accepted} of {count} multifd channel(s) within {wait.TotalSeconds:0.###} s: is its multifd capability on, with multifd-channels {count}?");
                }

                socket.ReceiveBufferSize = 4 << 20;
                socket.ReceiveTimeout = idleTimeout == Timeout.InfiniteTimeSpan ? (int)ChannelWait.TotalMilliseconds : (int)Math.Max(1, idleTimeout.TotalMilliseconds);
                var stream = new NetworkStream(socket, ownsSocket: true);
                int id;
                try
                {
                    id = MultifdReceiver.ReadHello(stream, count);
                }
                catch (Exception e) when (e is IOException or VmStateLoadException)
                {
                    stream.Dispose();
                    throw;
                }

                if (streams[id] is not null)
                {
                    stream.Dispose();
                    throw new VmStateLoadException($"multifd: received id '{id}' already setup", -1);
                }

                socket.ReceiveTimeout = idleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, idleTimeout.TotalMilliseconds);
                streams[id] = stream;
            }

            return new MultifdReceiver(ram, streams!, compression);
        }
        catch
        {
            foreach (Stream? s in streams)
            {
                s?.Dispose();
            }

            throw;
        }
    }
}
