using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using VmState.Wire;

namespace VmState.Ram;

/// <summary>
/// The receiving side of QEMU's multifd: a thread per channel reads packets and their pages straight into guest RAM
/// (no copy), checked as QEMU checks them, while the migration thread loads the main stream. At every RAM EOS the main
/// stream waits until each channel has reached its SYNC packet, so the pages of a pass are all in place before the
/// next pass (or the devices) load. Pages written here are part of the load's transaction: a failed load stops the
/// channels first, then rolls them back with the rest.
/// </summary>
public sealed class MultifdReceiver : IDisposable
{
    private readonly RamSection _ram;
    private readonly Channel[] _channels;
    private readonly object _gate = new();
    private int _synced;
    private long _generation;
    private long _syncedAt = -1;
    private int _ended;
    private VmStateLoadException? _error;
    private bool _stopped;

    /// <summary>
    /// Attaches channels to <paramref name="ram"/>: <paramref name="channels"/> in channel-id order, each past its
    /// hello (see <see cref="ReadHello"/>). The receiver owns the streams, and stops a channel by disposing its stream,
    /// so that must end a read blocked on it (a <see cref="System.Net.Sockets.NetworkStream"/> that owns its socket
    /// does); it reads nothing until <see cref="Start"/>.
    /// With <paramref name="compression"/> packets with pages must be compressed with that method (QEMU's
    /// <c>multifd-compression</c>), each channel decoding one stream.
    /// </summary>
    public MultifdReceiver(RamSection ram, IReadOnlyList<Stream> channels, MultifdCompression? compression = null)
    {
        ArgumentNullException.ThrowIfNull(ram);
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels.Count, "multifd takes 1 to 255 channels");
        }

        _ram = ram;
        _channels = [.. channels.Select((s, i) => new Channel(this, i, s, compression))];
        ram.MultifdReceiver = this;
    }

    /// <summary>
    /// Reads a new connection's 64-byte hello and checks it as QEMU's destination does; returns the channel id. The
    /// connection's first bytes must be a hello: QEMU 7.2 tells channels by the order they connect in (the main
    /// stream first).
    /// </summary>
    /// <exception cref="VmStateLoadException">Not a multifd channel of this migration (or it ended within the hello).</exception>
    public static int ReadHello(Stream stream, int channels, ReadOnlySpan<byte> uuid = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> hello = stackalloc byte[MultifdWire.HelloSize];
        int got = stream.ReadAtLeast(hello, hello.Length, throwOnEndOfStream: false);
        return MultifdWire.ReadHello(hello[..got], uuid.IsEmpty ? new byte[16] : uuid, channels);
    }

    /// <summary>How many channels.</summary>
    public int Channels => _channels.Length;

    /// <summary>Pages the channels have placed in guest RAM.</summary>
    public long PagesReceived => _channels.Sum(c => Interlocked.Read(ref c.Pages));

    /// <summary>Bytes the channels have read (headers and pages).</summary>
    public long BytesReceived => _channels.Sum(c => Interlocked.Read(ref c.Bytes));

    /// <summary>The first error a channel met (null: none); the load fails with it at the next RAM EOS.</summary>
    public VmStateLoadException? Error
    {
        get
        {
            lock (_gate)
            {
                return _error;
            }
        }
    }

    /// <summary>
    /// Called, from the failing channel's thread, with the first error a channel meets: a destination shuts its main
    /// connection down here, so that a main stream waiting for bytes the source will not send fails at once.
    /// </summary>
    public Action<VmStateLoadException>? Failed { get; set; }

    /// <summary>Starts reading the channels.</summary>
    public void Start()
    {
        foreach (Channel channel in _channels)
        {
            channel.Start();
        }
    }

    /// <summary>Stops the channels (closing their streams) and waits for their threads; pages already placed stay.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            Monitor.PulseAll(_gate);
        }

        foreach (Channel channel in _channels)
        {
            channel.Stop();
        }
    }

    /// <summary>Stops the channels and detaches from the RAM section.</summary>
    public void Dispose()
    {
        Stop();
        if (ReferenceEquals(_ram.MultifdReceiver, this))
        {
            _ram.MultifdReceiver = null;
        }
    }

    // The main stream's RAM EOS at `at`: waits for every channel's SYNC of this window, then lets them go on. A frame
    // cut short is parsed again once more bytes come, so the same EOS may be met twice: it syncs once.
    internal void Sync(long at)
    {
        lock (_gate)
        {
            if (at == _syncedAt)
            {
                return;
            }

            // A channel that ended (the source closed it) will not come to this SYNC.
            while (_synced < _channels.Length && _synced + _ended < _channels.Length && _error is null && !_stopped)
            {
                Monitor.Wait(_gate);
            }

            if (_error is null && !_stopped && _synced < _channels.Length)
            {
                throw MultifdWire.Fail(string.Create(CultureInfo.InvariantCulture, $"{_ended} multifd channel(s) closed before the SYNC of this RAM EOS"), at);
            }

            if (_error is not null)
            {
                var e = new VmStateLoadException($"{_error.Reason} (the main stream waited at its RAM EOS)", at, _error);
                e.SetSectionIfUnset(RamSection.IdStr);
                throw e;
            }

            if (_stopped)
            {
                throw MultifdWire.Fail("multifd channels were stopped while the main stream waited at its RAM EOS", at);
            }

            _synced = 0;
            _generation++;
            _syncedAt = at;
            Monitor.PulseAll(_gate);
        }
    }

    // A channel reached a SYNC packet: counts it and waits until the main stream's EOS releases the window.
    private bool Arrive()
    {
        lock (_gate)
        {
            long generation = _generation;
            _synced++;
            Monitor.PulseAll(_gate);
            while (_generation == generation && _error is null && !_stopped)
            {
                Monitor.Wait(_gate);
            }

            return _generation != generation;
        }
    }

    // A channel's source closed it between packets.
    private void End()
    {
        lock (_gate)
        {
            _ended++;
            Monitor.PulseAll(_gate);
        }
    }

    private void Fail(VmStateLoadException error)
    {
        Action<VmStateLoadException>? failed;
        lock (_gate)
        {
            if (_error is not null || _stopped)
            {
                return;
            }

            _error = error;
            failed = Failed;
            Monitor.PulseAll(_gate);
        }

        failed?.Invoke(error);
    }

    private sealed class Channel
    {
        private readonly MultifdReceiver _owner;
        private readonly int _id;
        private readonly Stream _stream;
        private readonly byte[] _header = new byte[MultifdWire.PacketHeaderSize];
        private readonly long[] _pages = new long[MultifdWire.PagesPerPacket];
        private RamBlock? _lastBlock;
        private byte[] _lastName = [];
        private Thread? _thread;
        private readonly IMultifdDecompressor? _decompressor;
        private readonly uint _flag;
        private readonly string _method = "none";
        private readonly byte[] _compressed = [];
        private long _offset = MultifdWire.HelloSize;
        private volatile bool _stopping;
        public long Pages;
        public long Bytes;

        public Channel(MultifdReceiver owner, int id, Stream stream, MultifdCompression? compression)
        {
            _owner = owner;
            _id = id;
            _stream = stream;
            if (compression is not null)
            {
                _decompressor = compression.CreateDecompressor();
                _flag = compression.Flag;
                _method = compression.Name;
                _compressed = new byte[compression.MaxPacketBytes];
            }
        }

        public void Start()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = $"multifd receive {_id}" };
            _thread.Start();
        }

        public void Stop()
        {
            _stopping = true;
            _stream.Dispose();
            _thread?.Join();
            _decompressor?.Dispose();
        }

        private void Run()
        {
            ulong packet = 0;
            try
            {
                while (!_stopping)
                {
                    int got = _stream.ReadAtLeast(_header, _header.Length, throwOnEndOfStream: false);
                    if (got == 0)
                    {
                        // The source closed the channel between packets: the end of the migration, unless the main
                        // stream still waits for this channel's SYNC (then that EOS fails).
                        _owner.End();
                        return;
                    }

                    if (got < _header.Length)
                    {
                        throw Error(packet, $"the channel ended within a packet header ({got} of {_header.Length} bytes)");
                    }

                    (uint flags, packet, RamBlock? block, int count, int size) = Parse();
                    _offset += _header.Length;
                    Interlocked.Add(ref Bytes, _header.Length);
                    if (count > 0 && _decompressor is not null)
                    {
                        Decompress(packet, block!, count, size);
                    }
                    else if (count > 0)
                    {
                        ReadPages(packet, block!, count);
                    }

                    if ((flags & MultifdWire.FlagSync) != 0 && !_owner.Arrive())
                    {
                        return;
                    }
                }
            }
            catch (VmStateLoadException e)
            {
                _owner.Fail(e);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                if (!_stopping)
                {
                    _owner.Fail(Error(packet, $"the channel failed: {PrintableText.OneLine(e.Message)}", e));
                }
            }
        }

        // Checks the header as QEMU's destination does, and more: offsets must be page-aligned.
        // Optimized from the first call: a migration pass is over before tiering would recompile it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private (uint Flags, ulong Packet, RamBlock? Block, int Count, int Size) Parse()
        {
            ReadOnlySpan<byte> h = _header;
            ulong number = BinaryPrimitives.ReadUInt64BigEndian(h[24..]);
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(h);
            if (magic != MultifdWire.Magic)
            {
                throw Error(number, string.Create(CultureInfo.InvariantCulture, $"received packet magic {magic:x} and expected magic {MultifdWire.Magic:x}"));
            }

            uint version = BinaryPrimitives.ReadUInt32BigEndian(h[4..]);
            if (version != MultifdWire.Version)
            {
                throw Error(number, string.Create(CultureInfo.InvariantCulture, $"received packet version {version} and expected version {MultifdWire.Version}"));
            }

            uint flags = BinaryPrimitives.ReadUInt32BigEndian(h[8..]);
            uint allocated = BinaryPrimitives.ReadUInt32BigEndian(h[12..]);
            if (allocated > MultifdWire.PagesPerPacket)
            {
                throw Error(number, string.Create(CultureInfo.InvariantCulture, $"received packet with size {allocated} and expected a size of {MultifdWire.PagesPerPacket}"));
            }

            uint normal = BinaryPrimitives.ReadUInt32BigEndian(h[16..]);
            if (normal > allocated)
            {
                throw Error(number, string.Create(CultureInfo.InvariantCulture, $"received packet with {normal} pages and expected maximum pages are {allocated}"));
            }

            if (normal == 0)
            {
                return (flags, number, null, 0, 0);
            }

            if ((flags & MultifdWire.FlagCompressionMask) != _flag)
            {
                throw Error(number, string.Create(CultureInfo.InvariantCulture, $"flags received {flags & MultifdWire.FlagCompressionMask:x} flags expected {_flag:x} (this destination's multifd compression: {_method})"));
            }

            uint size = BinaryPrimitives.ReadUInt32BigEndian(h[20..]);
            if (_decompressor is null && size != normal * RamBlock.PageSize)
            {
                throw Error(number, string.Create(CultureInfo.InvariantCulture, $"packet of {normal} pages says {size} bytes follow, not {normal * RamBlock.PageSize}"));
            }

            if (_decompressor is not null && (size == 0 || size > (uint)_compressed.Length))
            {
                throw Error(number, string.Create(CultureInfo.InvariantCulture, $"packet of {normal} pages says {size} compressed bytes follow (1 to {_compressed.Length})"));
            }

            ReadOnlySpan<byte> name = h.Slice(64, MultifdWire.BlockNameSize - 1);
            int end = name.IndexOf((byte)0);
            name = end < 0 ? name : name[..end];

            // Packets mostly name the block of the one before: no string is made for them.
            if (_lastBlock is null || !name.SequenceEqual(_lastName))
            {
                string id = Encoding.UTF8.GetString(name);
                _lastBlock = _owner._ram.FindBlock(id) ?? throw Error(number, $"unknown ram block {PrintableText.Escape(id)}");
                _lastName = name.ToArray();
            }

            RamBlock block = _lastBlock;
            for (int i = 0; i < (int)normal; i++)
            {
                ulong offset = BinaryPrimitives.ReadUInt64BigEndian(h[(MultifdWire.FixedHeaderSize + (i * 8))..]);
                if (offset > (ulong)(block.Length - RamBlock.PageSize) || offset % RamBlock.PageSize != 0)
                {
                    throw Error(number, string.Create(CultureInfo.InvariantCulture, $"offset 0x{offset:x} is not a page of block {PrintableText.Escape(block.Id)} (0x{block.Length:x} bytes)"));
                }

                _pages[i] = (long)(offset >> RamBlock.PageShift);
            }

            return (flags, number, block, (int)normal, (int)size);
        }

        // Reads the packet's compressed bytes, then decodes them into the pages, a run of consecutive pages at a time.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Decompress(ulong packet, RamBlock block, int count, int size)
        {
            int got = _stream.ReadAtLeast(_compressed.AsSpan(0, size), size, throwOnEndOfStream: false);
            _offset += got;
            Interlocked.Add(ref Bytes, got);
            if (got < size)
            {
                throw Error(packet, $"the channel ended within the compressed pages of a packet ({got} of {size} bytes)");
            }

            ReadOnlySpan<long> pages = _pages.AsSpan(0, count);
            _owner._ram.PrepareMultifdPages(block, pages);
            int used = 0;
            int start = 0;
            for (int i = 1; i <= count; i++)
            {
                if (i == count || pages[i] != pages[i - 1] + 1)
                {
                    try
                    {
                        used += _decompressor!.Decompress(_compressed.AsSpan(used, size - used), block.Pages(pages[start], i - start));
                    }
                    catch (InvalidDataException e)
                    {
                        throw Error(packet, $"{_method}: {PrintableText.OneLine(e.Message)}", e);
                    }

                    start = i;
                }
            }

            Interlocked.Add(ref Pages, count);
        }

        // Reads the packet's pages straight into guest RAM, a run of consecutive pages per read.
        // Optimized from the first call: a migration pass is over before tiering would recompile it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ReadPages(ulong packet, RamBlock block, int count)
        {
            ReadOnlySpan<long> pages = _pages.AsSpan(0, count);
            _owner._ram.PrepareMultifdPages(block, pages);
            int start = 0;
            for (int i = 1; i <= count; i++)
            {
                if (i == count || pages[i] != pages[i - 1] + 1)
                {
                    Span<byte> run = block.Pages(pages[start], i - start);
                    int got = _stream.ReadAtLeast(run, run.Length, throwOnEndOfStream: false);
                    _offset += got;
                    Interlocked.Add(ref Bytes, got);
                    if (got < run.Length)
                    {
                        throw Error(packet, $"the channel ended within the pages of a packet ({got} of {run.Length} bytes)");
                    }

                    start = i;
                }
            }

            Interlocked.Add(ref Pages, count);
        }

        private VmStateLoadException Error(ulong packet, string reason, Exception? inner = null)
        {
            var e = new VmStateLoadException(string.Create(CultureInfo.InvariantCulture, $"multifd channel {_id}, packet {packet}, at byte {_offset} of the channel: {reason}"), -1, inner);
            e.SetSectionIfUnset(RamSection.IdStr);
            return e;
        }
    }
}
