using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace VmState.Benchmarks.Ram;

/// <summary>
/// <c>--raw-loopback [BYTES] [--connections N]</c>: the anchor of the live-migration comparison
/// (bench/scripts/live-migration-vs-qemu.py): a prefaulted buffer of random bytes sent as it is over loopback TCP
/// into another prefaulted buffer, in 1 MiB writes; with N connections, each carries one Nth, in parallel (the limit
/// of N multifd channels). Prints <c>raw-loopback BYTES MILLISECONDS</c>.
/// </summary>
public static class RawLoopbackMode
{
    /// <summary>Runs it; <paramref name="args"/> may name the bytes after the flag (default: 90% of 1 GiB, page-rounded).</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        int at = Array.IndexOf(args, "--raw-loopback");
        long bytes = at + 1 < args.Length && long.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : (long)(0.9 * (1L << 30)) / VmState.Ram.RamBlock.PageSize * VmState.Ram.RamBlock.PageSize;
        int c = Array.IndexOf(args, "--connections");
        int connections = c >= 0 && c + 1 < args.Length ? int.Parse(args[c + 1], CultureInfo.InvariantCulture) : 1;
        using RamGuest source = RamGuest.Filled(bytes, RamFill.Random, seed: 1);
        using RamGuest destination = RamGuest.Empty(bytes);
        TimeSpan elapsed = connections == 1 ? RamTransfers.RawLoopback(source, destination).Elapsed : Parallel(source, destination, connections);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw-loopback {bytes} {elapsed.TotalMilliseconds:F0}"));
        return 0;
    }

    // One Nth of the buffer per connection, a sending and a receiving thread each, all at once.
    private static unsafe TimeSpan Parallel(RamGuest source, RamGuest destination, int connections)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(connections);
        var pairs = new List<(Socket Out, Socket In)>();
        for (int i = 0; i < connections; i++)
        {
            var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = RamTransfers.SocketBuffer };
            sender.Connect(listener.LocalEndPoint!);
            Socket receiver = listener.Accept();
            receiver.ReceiveBufferSize = RamTransfers.SocketBuffer;
            pairs.Add((sender, receiver));
        }

        long length = source.Block.Length;
        long share = (length / connections) & ~(long)(VmState.Ram.RamBlock.PageSize - 1);
        byte* from = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref source.Memory[0]);
        byte* to = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref destination.Memory[0]);
        var threads = new List<Thread>();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < connections; i++)
        {
            long first = i * share;
            int size = (int)(i == connections - 1 ? length - first : share);
            (Socket o, Socket r) = pairs[i];
            byte* f = from + first;
            byte* t = to + first;
            threads.Add(new Thread(() =>
            {
                var memory = new ReadOnlySpan<byte>(f, size);
                for (int at = 0; at < size; at += RamTransfers.RawChunk)
                {
                    o.Send(memory.Slice(at, Math.Min(RamTransfers.RawChunk, size - at)));
                }

                o.Shutdown(SocketShutdown.Send);
            }));
            threads.Add(new Thread(() =>
            {
                var memory = new Span<byte>(t, size);
                int got = 0;
                while (got < size)
                {
                    int k = r.Receive(memory[got..]);
                    if (k == 0)
                    {
                        break;
                    }

                    got += k;
                }
            }));
        }

        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        foreach ((Socket o, Socket r) in pairs)
        {
            o.Dispose();
            r.Dispose();
        }

        return elapsed;
    }
}
