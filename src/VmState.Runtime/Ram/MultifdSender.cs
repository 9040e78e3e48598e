using System.Runtime.CompilerServices;

namespace VmState.Ram;

/// <summary>
/// The sending side of QEMU's multifd: a thread per channel writes packets of up to 128 pages of one RAM block,
/// straight from guest memory (no copy on our side), while the migration thread goes on scanning. Attached to a
/// <see cref="RamSection"/> (<see cref="RamSection.MultifdSender"/>), it takes every non-zero precopy page; zero
/// pages stay on the main stream, as in QEMU 7.2, and every RAM EOS first syncs all channels.
/// </summary>
/// <remarks>
/// Flush the main stream after every <c>SaveStreamSetup</c> and <c>SaveStreamIterate</c>: the destination's channels
/// stop at each SYNC until the main stream's EOS arrives, so an EOS held in a buffer stalls both sides once the
/// channels' socket buffers are full.
/// </remarks>
public sealed class MultifdSender : IDisposable
{
    private readonly Channel[] _channels;
    private readonly object _gate = new();
    private long[] _offsets = new long[MultifdWire.PagesPerPacket];
    private int _count;
    private RamBlock? _block;
    private ulong _packetNumber;
    private int _next;
    private long _bytes;
    private Exception? _error;
    private bool _disposed;

    /// <summary>
    /// Starts a channel on each of <paramref name="channels"/> (in channel-id order; each is written its hello at once)
    /// for the VM <paramref name="uuid"/> (16 bytes, QEMU's <c>-uuid</c>; empty: all zero, QEMU's default). The sender
    /// owns the streams. With <paramref name="compression"/> each channel compresses its packets' pages on one stream
    /// of that method (QEMU's <c>multifd-compression</c>; the destination needs the same).
    /// </summary>
    public MultifdSender(IReadOnlyList<Stream> channels, ReadOnlySpan<byte> uuid = default, MultifdCompression? compression = null)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels.Count, "multifd takes 1 to 255 channels");
        }

        byte[] id = uuid.IsEmpty ? new byte[16] : uuid.ToArray();
        if (id.Length != 16)
        {
            throw new ArgumentException("a UUID is 16 bytes", nameof(uuid));
        }

        _channels = new Channel[channels.Count];
        try
        {
            for (int i = 0; i < _channels.Length; i++)
            {
                _channels[i] = new Channel(this, (byte)i, channels[i], id, compression);
            }
        }
        catch
        {
            // A channel that could not start (its compressor, say) stops the ones already running.
            _disposed = true;
            for (int i = 0; i < _channels.Length; i++)
            {
                if (_channels[i] is { } started)
                {
                    started.Stop();
                }
                else
                {
                    channels[i].Dispose();
                }
            }

            throw;
        }
    }

    /// <summary>How many channels.</summary>
    public int Channels => _channels.Length;

    /// <summary>
    /// Bytes handed to the channels so far: packet headers and pages, as QEMU counts <c>multifd_bytes</c>; with
    /// compression, the compressed bytes instead of the pages (counted once each packet is compressed).
    /// </summary>
    public long BytesSent => Interlocked.Read(ref _bytes);

    /// <summary>Pages handed to the channels so far.</summary>
    public long PagesSent { get; private set; }

    /// <summary>Adds a page to the packet being filled; a full packet (or one of another block) goes to the next free
    /// channel, waiting for one when all are busy.</summary>
    /// <exception cref="IOException">A channel failed (its error inside).</exception>
    public void Queue(RamBlock block, long page)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (_count > 0 && !ReferenceEquals(block, _block))
        {
            Dispatch(0);
        }

        _block = block;
        _offsets[_count++] = page << RamBlock.PageShift;
        PagesSent++;
        if (_count == MultifdWire.PagesPerPacket)
        {
            Dispatch(0);
        }
    }

    /// <summary>
    /// Sends what is queued, then a SYNC packet on every channel, and returns once every channel has written
    /// everything: the main stream's RAM EOS may follow (the destination waits there for each channel's SYNC).
    /// </summary>
    /// <exception cref="IOException">A channel failed (its error inside).</exception>
    public void Sync()
    {
        if (_count > 0)
        {
            Dispatch(0);
        }

        foreach (Channel channel in _channels)
        {
            lock (_gate)
            {
                WaitIdle(channel);
                Give(channel, MultifdWire.FlagSync);
            }

            channel.Go.Release();
        }

        lock (_gate)
        {
            foreach (Channel channel in _channels)
            {
                WaitIdle(channel);
            }
        }
    }

    /// <summary>The first error a channel met (null: none).</summary>
    public Exception? Error
    {
        get
        {
            lock (_gate)
            {
                return _error;
            }
        }
    }

    /// <summary>Stops the channels and closes their streams.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        foreach (Channel channel in _channels)
        {
            channel.Stop();
        }
    }

    // Hands the queued pages (flags: SYNC or 0) to the next idle channel, round robin as QEMU does.
    private void Dispatch(uint flags)
    {
        Channel? chosen = null;
        lock (_gate)
        {
            while (chosen is null)
            {
                ThrowIfFailed();
                for (int i = 0; i < _channels.Length; i++)
                {
                    Channel c = _channels[(_next + i) % _channels.Length];
                    if (!c.Busy)
                    {
                        chosen = c;
                        _next = (c.Id + 1) % _channels.Length;
                        break;
                    }
                }

                if (chosen is null)
                {
                    Monitor.Wait(_gate);
                }
            }

            Give(chosen, flags);
        }

        chosen.Go.Release();
    }

    // Under the gate: the channel (idle) takes the queued pages, if any, and the next packet number.
    private void Give(Channel channel, uint flags)
    {
        (channel.Offsets, _offsets) = (_offsets, channel.Offsets);
        channel.Count = _count;
        channel.Block = _count > 0 ? _block : null;
        channel.Flags = flags;
        channel.PacketNumber = _packetNumber++;
        channel.Busy = true;
        // Compressed pages are counted once their size is known, by the channel.
        Interlocked.Add(ref _bytes, MultifdWire.PacketHeaderSize + (channel.Compressor is null ? (long)_count * RamBlock.PageSize : 0));
        _count = 0;
        _block = null;
    }

    private void WaitIdle(Channel channel)
    {
        while (channel.Busy)
        {
            ThrowIfFailed();
            Monitor.Wait(_gate);
        }

        ThrowIfFailed();
    }

    private void ThrowIfFailed()
    {
        if (_error is not null)
        {
            throw _error as IOException ?? new IOException(_error.Message, _error);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
    }

    private void Done(Channel channel, Exception? error)
    {
        lock (_gate)
        {
            channel.Busy = false;
            if (error is not null && _error is null && !_disposed)
            {
                _error = new IOException($"multifd channel {channel.Id} failed: {error.Message}", error);
            }

            Monitor.PulseAll(_gate);
        }
    }

    private sealed class Channel
    {
        private readonly MultifdSender _owner;
        private readonly Stream _stream;
        private readonly byte[] _hello;
        private readonly byte[] _header = new byte[MultifdWire.PacketHeaderSize];
        private readonly Thread _thread;
        private readonly uint _flag;
        private readonly byte[] _compressed = [];
        private volatile bool _stopping;

        public Channel(MultifdSender owner, byte id, Stream stream, byte[] uuid, MultifdCompression? compression)
        {
            _owner = owner;
            if (compression is not null)
            {
                Compressor = compression.CreateCompressor();
                _flag = compression.Flag;
                _compressed = new byte[compression.MaxPacketBytes];
            }

            Id = id;
            _stream = stream;
            _hello = new byte[MultifdWire.HelloSize];
            MultifdWire.WriteHello(_hello, uuid, id);

            // The hello goes first, from the channel's own thread, as QEMU's does: connecting never blocks the scan.
            Busy = true;
            _thread = new Thread(Run) { IsBackground = true, Name = $"multifd send {id}" };
            _thread.Start();
        }

        public byte Id { get; }

        public IMultifdCompressor? Compressor { get; }

        public SemaphoreSlim Go { get; } = new(0);

        // Job fields: written by the migration thread under the gate while idle, read by this thread while busy.
        public bool Busy { get; set; }

        public long[] Offsets { get; set; } = new long[MultifdWire.PagesPerPacket];

        public int Count { get; set; }

        public RamBlock? Block { get; set; }

        public uint Flags { get; set; }

        public ulong PacketNumber { get; set; }

        public void Stop()
        {
            _stopping = true;
            Go.Release();
            _stream.Dispose();
            _thread.Join();
            Go.Dispose();
            Compressor?.Dispose();
        }

        private void Run()
        {
            try
            {
                _stream.Write(_hello);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
            {
                _owner.Done(this, e);
                return;
            }

            _owner.Done(this, null);
            while (true)
            {
                Go.Wait();
                if (_stopping)
                {
                    return;
                }

                Exception? error = null;
                try
                {
                    Send();
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
                {
                    error = e;
                }

                _owner.Done(this, error);
                if (error is not null)
                {
                    return;
                }
            }
        }

        // The header, then the pages in runs of consecutive offsets: one write per run, from guest memory.
        // Optimized from the first call: a migration pass is over before tiering would recompile it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Send()
        {
            ReadOnlySpan<long> offsets = Offsets.AsSpan(0, Count);
            if (Compressor is not null && offsets.Length > 0)
            {
                // The pages through the channel's one compression stream, flushed at the packet's end, as QEMU does.
                int size = 0;
                for (int start = 0, end; start < offsets.Length; start = end)
                {
                    end = RunEnd(offsets, start);
                    size += Compressor.Compress(Run(offsets, start, end), _compressed.AsSpan(size), end == offsets.Length);
                }

                MultifdWire.WriteHeader(_header, Flags | _flag, Block!.Id, offsets, PacketNumber, (uint)size);
                _stream.Write(_header);
                _stream.Write(_compressed.AsSpan(0, size));
                Interlocked.Add(ref _owner._bytes, size);
                return;
            }

            MultifdWire.WriteHeader(_header, Flags, Block?.Id, offsets, PacketNumber, (uint)(offsets.Length * RamBlock.PageSize));
            _stream.Write(_header);
            for (int start = 0, end; start < offsets.Length; start = end)
            {
                end = RunEnd(offsets, start);
                _stream.Write(Run(offsets, start, end));
            }
        }

        // Where the run of consecutive pages that begins at `start` ends.
        private static int RunEnd(ReadOnlySpan<long> offsets, int start)
        {
            int end = start + 1;
            while (end < offsets.Length && offsets[end] == offsets[end - 1] + RamBlock.PageSize)
            {
                end++;
            }

            return end;
        }

        private ReadOnlySpan<byte> Run(ReadOnlySpan<long> offsets, int start, int end) =>
            Block!.Pages(offsets[start] >> RamBlock.PageShift, end - start);
    }
}
