using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Benchmarks.Ram;

/// <summary>
/// The RAM transfers of the suite, each in two versions: ours (the real saver and loader of a "ram" section) and the
/// raw copy of the guest's bytes through the same transport, the limit ours is measured against.
/// </summary>
public static partial class RamTransfers
{
    /// <summary>Socket buffers of both versions over loopback (the sample machine uses the same).</summary>
    public const int SocketBuffer = 4 << 20;

    /// <summary>Write size of the raw copies, as dd's bs=1M and our stream writer's buffer.</summary>
    public const int RawChunk = 1 << 20;

    /// <summary>Budget of one PART section: the sample machine's chunk.</summary>
    public const int PartBudget = 256 << 10;

    /// <summary>Saves the guest as a snapshot stream into the null sink.</summary>
    public static Transfer SaveToMemory(RamGuest guest, DiscardingWriter sink)
    {
        sink.Reset();
        return Transfer.Time(guest.Block.Length, () => MigrationSaver.SaveSnapshot(guest.Registry, sink, partBudget: PartBudget));
    }

    /// <summary>The raw copy into the null sink: the guest's bytes through its buffer.</summary>
    public static Transfer RawToMemory(RamGuest guest, DiscardingWriter sink) =>
        Transfer.Time(guest.Block.Length, () =>
        {
            Span<byte> memory = guest.Memory;
            Span<byte> buffer = sink.Buffer;
            for (int at = 0; at < memory.Length; at += buffer.Length)
            {
                memory.Slice(at, Math.Min(buffer.Length, memory.Length - at)).CopyTo(buffer);
            }

            return memory.Length;
        });

    /// <summary>A snapshot stream of the guest in memory, for <see cref="LoadFromMemory"/>.</summary>
    public static byte[] SaveToArray(RamGuest guest)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(checked((int)guest.Block.Length + (64 << 20)));
        MigrationSaver.SaveSnapshot(guest.Registry, output, partBudget: PartBudget);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Loads a snapshot stream from memory into a fresh guest.</summary>
    public static Transfer LoadFromMemory(byte[] stream, RamGuest destination) =>
        Transfer.Time(destination.Block.Length, () => new MigrationLoader(destination.Registry).Load(stream).BytesRead);

    /// <summary>The raw copy from memory: the source guest's bytes into the destination's.</summary>
    public static Transfer RawFromMemory(RamGuest source, RamGuest destination) =>
        Transfer.Time(source.Block.Length, () =>
        {
            source.Memory.CopyTo(destination.Memory);
            return source.Block.Length;
        });

    /// <summary>
    /// Saves the guest to a snapshot file at a path that does not exist yet (written to a temporary name, flushed to
    /// disk, renamed). The file of the previous run is deleted first, untimed, as for the raw copy: freeing 1 GiB of
    /// an old file is the file system's cost, not the writer's (docs/performance.md measures replacing one).
    /// </summary>
    public static Transfer SaveToFile(RamGuest guest, string path)
    {
        File.Delete(path);
        return Transfer.Time(guest.Block.Length, () => SnapshotFile.Save(path, guest.Registry));
    }

    /// <summary>The raw copy to a file: the guest's bytes in 1 MiB writes, then flushed to disk (dd bs=1M conv=fsync).</summary>
    public static Transfer RawToFile(RamGuest guest, string path)
    {
        File.Delete(path);
        return Transfer.Time(guest.Block.Length, () =>
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            Span<byte> memory = guest.Memory;
            for (int at = 0; at < memory.Length; at += RawChunk)
            {
                file.Write(memory.Slice(at, Math.Min(RawChunk, memory.Length - at)));
            }

            file.Flush(flushToDisk: true);
            return memory.Length;
        });
    }

    /// <summary>Loads a snapshot file into a fresh guest, after dropping the file from the page cache.</summary>
    public static Transfer LoadFromFile(string path, RamGuest destination)
    {
        DropCache(path);
        return Transfer.Time(destination.Block.Length, () => SnapshotFile.Load(path, destination.Registry).BytesRead);
    }

    /// <summary>The raw read of a file into the guest, after dropping it from the page cache.</summary>
    public static Transfer RawFromFile(string path, RamGuest destination)
    {
        DropCache(path);
        return Transfer.Time(destination.Block.Length, () =>
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0);
            Span<byte> memory = destination.Memory;
            int at = 0;
            while (at < memory.Length)
            {
                int n = file.Read(memory.Slice(at, Math.Min(RawChunk, memory.Length - at)));
                if (n == 0)
                {
                    break;
                }

                at += n;
            }

            return at;
        });
    }

    /// <summary>Migrates the guest over loopback TCP into a fresh one: a live stream from the real saver to the real loader.</summary>
    public static Transfer MigrateLoopback(RamGuest source, RamGuest destination)
    {
        (Socket sender, Socket receiver) = Connect();
        using (sender)
        using (receiver)
        {
            Task<long> load = Task.Factory.StartNew(
                () =>
                {
                    using var stream = new NetworkStream(receiver, ownsSocket: false);
                    return new MigrationLoader(destination.Registry).Load(stream).BytesRead;
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            Transfer sent = Transfer.Time(source.Block.Length, () =>
            {
                using var stream = new NetworkStream(sender, ownsSocket: false);
                var output = new StreamBufferWriter(stream, RawChunk);
                var saver = new MigrationSaver(source.Registry, output);
                try
                {
                    saver.SaveStreamSetup();
                    while (!saver.SaveStreamIterate(PartBudget))
                    {
                    }

                    saver.SaveStreamCompletePrecopy();
                    output.Flush();
                }
                finally
                {
                    saver.SaveStreamCleanup();
                }

                sender.Shutdown(SocketShutdown.Send);
                load.GetAwaiter().GetResult();
                return saver.BytesWritten;
            });
            return sent;
        }
    }

    /// <summary>The raw copy over loopback TCP: the source's bytes sent as they are, received into the destination's.</summary>
    public static Transfer RawLoopback(RamGuest source, RamGuest destination)
    {
        (Socket sender, Socket receiver) = Connect();
        using (sender)
        using (receiver)
        {
            Task<long> receive = Task.Factory.StartNew(
                () =>
                {
                    Span<byte> memory = destination.Memory;
                    int at = 0;
                    while (at < memory.Length)
                    {
                        int n = receiver.Receive(memory[at..]);
                        if (n == 0)
                        {
                            break;
                        }

                        at += n;
                    }

                    return (long)at;
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            return Transfer.Time(source.Block.Length, () =>
            {
                Span<byte> memory = source.Memory;
                for (int at = 0; at < memory.Length; at += RawChunk)
                {
                    sender.Send(memory.Slice(at, Math.Min(RawChunk, memory.Length - at)));
                }

                sender.Shutdown(SocketShutdown.Send);
                return receive.GetAwaiter().GetResult();
            });
        }
    }

    /// <summary>
    /// Migrates the guest over loopback TCP into a fresh one with <paramref name="channels"/> multifd channels besides
    /// the main connection, as the sample machine's <c>migrate --channels N</c> does.
    /// </summary>
    public static Transfer MigrateLoopbackMultifd(RamGuest source, RamGuest destination, int channels)
    {
        var pairs = Enumerable.Range(0, channels + 1).Select(_ => Connect()).ToList();
        try
        {
            Task<long> load = Task.Factory.StartNew(
                () =>
                {
                    // The channels own their sockets: closing a stream must end a read blocked on it.
                    Stream[] inbound = [.. pairs.Skip(1).Select(p => new NetworkStream(p.Receiver, ownsSocket: true))];
                    foreach (Stream s in inbound)
                    {
                        MultifdReceiver.ReadHello(s, channels);
                    }

                    using var receiver = new MultifdReceiver(destination.Section, inbound);
                    receiver.Start();
                    using var main = new NetworkStream(pairs[0].Receiver, ownsSocket: false);
                    return new MigrationLoader(destination.Registry).Load(main).BytesRead + receiver.BytesReceived;
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            return Transfer.Time(source.Block.Length, () =>
            {
                using var sender = new MultifdSender([.. pairs.Skip(1).Select(p => new NetworkStream(p.Sender, ownsSocket: true))]);
                source.Section.MultifdSender = sender;
                using var stream = new NetworkStream(pairs[0].Sender, ownsSocket: false);
                var output = new StreamBufferWriter(stream, RawChunk);
                var saver = new MigrationSaver(source.Registry, output);
                try
                {
                    // Each PART's EOS goes out at once: the destination's channels wait for it.
                    saver.SaveStreamSetup();
                    output.Flush();
                    while (!saver.SaveStreamIterate(128 << 20))
                    {
                        output.Flush();
                    }

                    saver.SaveStreamCompletePrecopy();
                    output.Flush();
                }
                finally
                {
                    saver.SaveStreamCleanup();
                    source.Section.MultifdSender = null;
                }

                long bytes = saver.BytesWritten + sender.BytesSent;
                sender.Dispose();
                pairs[0].Sender.Shutdown(SocketShutdown.Send);
                load.GetAwaiter().GetResult();
                return bytes;
            });
        }
        finally
        {
            foreach ((Socket s, Socket r) in pairs)
            {
                s.Dispose();
                r.Dispose();
            }
        }
    }

    /// <summary>
    /// The raw copy over <paramref name="connections"/> loopback connections at once, one Nth of the guest each with a
    /// sending and a receiving thread: the limit of as many multifd channels.
    /// </summary>
    public static unsafe Transfer RawLoopbackParallel(RamGuest source, RamGuest destination, int connections)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(connections);
        var pairs = new List<(Socket Out, Socket In)>();
        for (int i = 0; i < connections; i++)
        {
            var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = SocketBuffer };
            sender.Connect(listener.LocalEndPoint!);
            Socket receiver = listener.Accept();
            receiver.ReceiveBufferSize = SocketBuffer;
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
                for (int at = 0; at < size; at += RawChunk)
                {
                    o.Send(memory.Slice(at, Math.Min(RawChunk, size - at)));
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
        var elapsed = new Transfer(length, length, Stopwatch.GetElapsedTime(start));
        foreach ((Socket o, Socket r) in pairs)
        {
            o.Dispose();
            r.Dispose();
        }

        return elapsed;
    }

    private static (Socket Sender, Socket Receiver) Connect()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            SendBufferSize = SocketBuffer,
        };
        sender.Connect(listener.LocalEndPoint!);
        Socket receiver = listener.Accept();
        receiver.ReceiveBufferSize = SocketBuffer;
        receiver.NoDelay = true;
        return (sender, receiver);
    }

    // Written and flushed pages leave the page cache, so the next read comes from the disk.
    private static void DropCache(string path)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        _ = PosixFadvise((int)handle.DangerousGetHandle(), 0, 0, 4 /* POSIX_FADV_DONTNEED */);
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
