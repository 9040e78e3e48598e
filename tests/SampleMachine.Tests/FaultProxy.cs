using System.Net;
using System.Net.Sockets;

namespace SampleMachine.Tests;

/// <summary>What the proxy does to a connection once <see cref="LinkFault.After"/> bytes went one way.</summary>
internal enum FaultKind
{
    /// <summary>Nothing: forward both ways, pass a close on.</summary>
    Forward,

    /// <summary>Reset both sides (a broken link).</summary>
    Cut,

    /// <summary>Forward nothing more either way and pass no close on, sockets open until disposed (a link that hangs).</summary>
    Stall,

    /// <summary>
    /// Stop this direction until <see cref="FaultProxy.Release"/> (toward the source: drop the bytes), the other direction
    /// forwarding, a close passed on: a fixed point at which the test kills a process.
    /// </summary>
    Hold,
}

/// <summary>Which way the bytes of <see cref="LinkFault.After"/> go.</summary>
internal enum Direction
{
    /// <summary>Source to destination: the migration stream.</summary>
    ToDestination,

    /// <summary>Destination to source: its replies (LOADED, HASH).</summary>
    ToSource,
}

/// <summary>A fault of one connection: <paramref name="Kind"/> strikes when the byte after the first <paramref name="After"/> arrives.</summary>
internal sealed record LinkFault(FaultKind Kind, Direction Direction = Direction.ToDestination, long After = 0)
{
    public static readonly LinkFault None = new(FaultKind.Forward);
}

/// <summary>
/// A TCP proxy between a migration source and its destination for fault-injection tests: connection N goes to
/// <c>target(N)</c> with fault <c>fault(N)</c>. Its socket buffers toward the source are small, so a source whose bytes
/// the proxy stops taking is held in a write (as by a real slow link) instead of filling a big buffer here.
/// </summary>
internal sealed class FaultProxy : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<int, IPEndPoint> _target;
    private readonly Func<int, LinkFault> _fault;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FaultProxy(Func<int, IPEndPoint> target, Func<int, LinkFault> fault)
    {
        _target = target;
        _fault = fault;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Server.ReceiveBufferSize = 64 << 10;
        _listener.Start();
        _ = AcceptAll();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when a connection's fault struck (the bytes before it forwarded, none after).</summary>
    public Task Reached => _reached.Task;

    /// <summary>Lets a <see cref="FaultKind.Hold"/> go on forwarding.</summary>
    public void Release() => _release.TrySetResult();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (Socket socket in _sockets)
            {
                socket.Dispose();
            }
        }

        _release.TrySetResult();
    }

    private Socket Track(Socket socket)
    {
        lock (_sockets)
        {
            _sockets.Add(socket);
        }

        return socket;
    }

    private async Task AcceptAll()
    {
        try
        {
            for (int n = 0; ; n++)
            {
                Socket source = Track(await _listener.AcceptSocketAsync(_stop.Token));
                int connection = n;
                _ = Task.Run(() => Serve(connection, source));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    private async Task Serve(int n, Socket source)
    {
        source.NoDelay = true;
        source.SendBufferSize = 64 << 10;
        Socket destination = Track(new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        try
        {
            await destination.ConnectAsync(_target(n), _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Abort(source);
            return;
        }

        var link = new Link(this, _fault(n), source, destination);
        await Task.WhenAll(link.Pump(Direction.ToDestination), link.Pump(Direction.ToSource));
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    // One proxied connection: two pumps and the fault between them.
    private sealed class Link(FaultProxy proxy, LinkFault fault, Socket source, Socket destination)
    {
        private volatile bool _frozen;
        private volatile bool _holding;

        public async Task Pump(Direction direction)
        {
            (Socket from, Socket to) = direction == Direction.ToDestination ? (source, destination) : (destination, source);
            bool armed = fault.Kind != FaultKind.Forward && fault.Direction == direction;
            bool dropping = false;
            long count = 0;
            byte[] buffer = new byte[64 << 10];
            try
            {
                while (true)
                {
                    int limit = armed ? (int)Math.Min(buffer.Length, Math.Max(1, fault.After - count)) : buffer.Length;
                    int n = await from.ReceiveAsync(buffer.AsMemory(0, limit), proxy._stop.Token);
                    if (_frozen)
                    {
                        return;
                    }

                    if (n == 0)
                    {
                        Ended(direction);
                        return;
                    }

                    if (armed && count == fault.After)
                    {
                        armed = false;
                        switch (fault.Kind)
                        {
                            case FaultKind.Cut:
                                Abort(source);
                                Abort(destination);
                                proxy._reached.TrySetResult();
                                return;
                            case FaultKind.Stall:
                                _frozen = true;
                                proxy._reached.TrySetResult();
                                return;
                            case FaultKind.Hold when direction == Direction.ToSource:
                                dropping = true;
                                proxy._reached.TrySetResult();
                                break;
                            case FaultKind.Hold:
                                _holding = true;
                                proxy._reached.TrySetResult();
                                await proxy._release.Task;
                                _holding = false;
                                break;
                        }
                    }

                    if (!dropping)
                    {
                        await to.SendAsync(buffer.AsMemory(0, n), proxy._stop.Token);
                    }

                    count += n;
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (!_frozen)
                {
                    Abort(source);
                    Abort(destination);
                }
            }
        }

        // A close is passed on as it came, except that a destination gone while the stream toward it is held resets the
        // source (what the dead destination's own host would answer to the bytes still coming).
        private void Ended(Direction direction)
        {
            if (direction == Direction.ToSource && _holding)
            {
                Abort(source);
                Abort(destination);
                return;
            }

            try
            {
                (direction == Direction.ToDestination ? destination : source).Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
