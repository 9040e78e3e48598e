using System.Net.Sockets;
using System.Net;
using System.Text;
using SampleMachine.Machine;
using VmState.Migration;
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

    /// <summary>Accepts one migration into <paramref name="machine"/>; returns its state hash after the load.</summary>
    /// <exception cref="VmState.Wire.VmStateLoadException">The stream was bad or cut; the machine is as before.</exception>
    /// <exception cref="IOException">The peer stalled longer than <see cref="IdleTimeout"/> or the connection broke; the machine is as before.</exception>
    public (MigrationLoadResult Result, string Hash) Accept(VirtualMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        using TcpClient client = _listener.AcceptTcpClient();
        client.ReceiveBufferSize = 4 << 20;
        client.ReceiveTimeout = client.SendTimeout = IdleTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, IdleTimeout.TotalMilliseconds);
        using NetworkStream stream = client.GetStream();

        // The load is transactional: a stream cut short leaves the machine as it was (for a fresh machine the RAM
        // undo log only lists pages, since they were all zeros).
        MigrationLoadResult result;
        try
        {
            result = new MigrationLoader(machine.Registry, machine.StreamOptions).Load(stream);
        }
        catch (Exception e) when (e is VmStateLoadException or IOException)
        {
            // Tell a source still waiting for LOADED that it keeps the guest, if it can still hear it.
            TryReply(stream, "FAILED " + PrintableText.OneLine(e.Message) + "\n");
            throw;
        }

        // Loaded: from here the guest is ours, whether or not the source hears about it.
        ReplyError = null;
        string hash;
        try
        {
            stream.Write("LOADED\n"u8);
            stream.Flush();
            hash = machine.StateHash();
            stream.Write(Encoding.ASCII.GetBytes("HASH " + hash + "\n"));
            stream.Flush();
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            ReplyError = PrintableText.OneLine(e.Message);
            hash = machine.StateHash();
        }

        return (result, hash);
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
