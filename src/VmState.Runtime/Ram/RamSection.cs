using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Ram;

/// <summary>
/// QEMU's <c>ram</c> live section (instance 0, version 4) over a set of <see cref="RamBlock"/>s. Save: the block list
/// in START, then pages (ZERO as one byte, PAGE as 4096 bytes, CONTINUE within a block) in PART/END sections, each
/// ending with EOS; dirty pages are collected from the blocks at every <see cref="SavePendingExact"/>. Load: the same
/// records; every page overwritten is first copied to an undo log so a failed stream can be rolled back.
/// <para>
/// Postcopy: at the switch the source lists every page still to send as discards; afterwards pages the destination
/// asks for (<see cref="QueuePageRequest"/>) go out ahead of the background pass. The destination forgets discarded
/// pages, its guest waits for each missing page it touches (<see cref="PostcopyPages"/>) and asks for it through
/// <see cref="PostcopyPageRequested"/>, and a page placed once is never overwritten by a later copy of it.
/// </para>
/// </summary>
public sealed class RamSection : LiveSectionHandler
{
    /// <summary>The section's id string.</summary>
    public const string IdStr = "ram";

    /// <summary>The section's version; QEMU accepts no other.</summary>
    public const int SectionVersion = 4;

    private const ulong FlagMask = RamBlock.PageSize - 1;
    private const int UndoChunkPages = 256;

    private readonly RamBlock[] _blocks;
    private ulong[][] _toSend = [];
    private long _pendingPages;
    private int _cursorBlock;
    private long _cursorPage;
    private RamBlock? _lastLoadBlock;
    private bool _haveLoadBlock;
    private UndoLog? _undo;
    private readonly ConcurrentQueue<(RamBlock Block, long Page)> _requests = new();
    private RamBlock? _lastRequestBlock;
    private bool _postcopyCapable;
    private bool _postcopyLoad;
    private bool _listening;
    private long _requestsReceived;
    private readonly object _loadLock = new();

    /// <summary>A section over <paramref name="blocks"/> (their ids must be distinct).</summary>
    public RamSection(IEnumerable<RamBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        _blocks = [.. blocks];
        if (_blocks.Select(b => b.Id).Distinct(StringComparer.Ordinal).Count() != _blocks.Length)
        {
            throw new ArgumentException("RAM block ids must be distinct", nameof(blocks));
        }
    }

    /// <summary>The blocks, in the order they are listed on the wire.</summary>
    public IReadOnlyList<RamBlock> Blocks => _blocks;

    /// <summary>
    /// Keep an undo log while loading so a failed stream restores the old contents (default). A fresh destination
    /// that is discarded on failure can turn it off and save a copy of every page.
    /// </summary>
    public bool TransactionalLoad { get; set; } = true;

    /// <summary>
    /// The owner's promise that every page is zero when the next load starts (a machine just created, or a destination
    /// whose failed load was rolled back): the undo log then records a page without reading it first, and a zero page
    /// that is still untouched is not even looked at. A commit clears it (the RAM holds the loaded state then).
    /// </summary>
    public bool LoadOntoZeroedRam { get; set; }

    /// <summary>
    /// Accept blocks on load that this section does not have, and skip their pages (an import option for taking
    /// some of a foreign machine's RAM, e.g. only <c>pc.ram</c> of a QEMU stream). Off: an unknown block is an error.
    /// </summary>
    public bool SkipUnknownBlocks { get; set; }

    /// <summary>Pages sent as PAGE records by this save.</summary>
    public long NormalPages { get; private set; }

    /// <summary>Pages sent as ZERO records by this save.</summary>
    public long ZeroPages { get; private set; }

    /// <summary>Times dirty bits were collected from the blocks (QEMU's <c>dirty-sync-count</c>).</summary>
    public long DirtySyncCount { get; private set; }

    /// <summary>Pages that were newly found dirty at the last collection.</summary>
    public long LastDirtyPages { get; private set; }

    /// <summary>Pages the destination asked for during postcopy (each page once).</summary>
    public long PostcopyRequests => Interlocked.Read(ref _requestsReceived);

    /// <summary>Pages sent because the destination asked for them (the others had already gone).</summary>
    public long PostcopyRequestedPagesSent { get; private set; }

    /// <summary>
    /// The destination side: how a guest access that has to wait for page <c>page</c> of a block asks the source for
    /// it (a return path's REQ_PAGES). Set before POSTCOPY_LISTEN arrives.
    /// </summary>
    public Action<RamBlock, long>? PostcopyPageRequested { get; set; }

    /// <summary>
    /// The destination side, with <see cref="MigrationStreamOptions.SwitchoverAck"/>: approve the switchover only once
    /// every page of every block has arrived in this load, so the source's pause never carries a page seen for the
    /// first time (set before the load).
    /// </summary>
    public bool SwitchoverAckWhenComplete { get; set; }

    private ulong[][]? _arrived;
    private long _arrivedMissing;

    /// <inheritdoc/>
    public override bool LoadSwitchoverAckNeeded => SwitchoverAckWhenComplete;

    /// <inheritdoc/>
    public override bool LoadSwitchoverApproved => !SwitchoverAckWhenComplete || (_arrived is not null && _arrivedMissing == 0);

    // First arrival of a page in this load, counted for the switchover's approval.
    private void Arrived(RamBlock block, long page)
    {
        ulong[] bits = _arrived![Array.IndexOf(_blocks, block)];
        ulong bit = 1UL << (int)(page & 63);
        if ((bits[page >> 6] & bit) == 0)
        {
            bits[page >> 6] |= bit;
            _arrivedMissing--;
        }
    }

    /// <summary>Total bytes of all blocks.</summary>
    public long TotalBytes => _blocks.Sum(b => b.Length);

    /// <inheritdoc/>
    public override bool HasPostcopy => true;

    /// <summary>
    /// Multifd channels for saving (null: none). While set, precopy sends every non-zero page on them; zero pages and
    /// the records' framing stay on the main stream, and each RAM EOS syncs the channels first, as QEMU 7.2 does.
    /// Postcopy does not use multifd.
    /// </summary>
    public MultifdSender? MultifdSender { get; set; }

    /// <summary>The multifd channels of the load in progress (null: none); set by <see cref="Ram.MultifdReceiver"/>.</summary>
    public MultifdReceiver? MultifdReceiver { get; internal set; }

    /// <inheritdoc/>
    public override void SavePrepare(MigrationStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _postcopyCapable = options.Postcopy;
        if (_postcopyCapable && MultifdSender is not null)
        {
            throw new InvalidOperationException("multifd does not carry postcopy migrations: send them without channels");
        }
    }

    /// <inheritdoc/>
    public override void SaveSetup(ref VmStateWriter writer)
    {
        _requests.Clear();
        _lastRequestBlock = null;
        _requestsReceived = 0;
        PostcopyRequestedPagesSent = 0;
        _toSend = new ulong[_blocks.Length][];
        _pendingPages = 0;
        for (int i = 0; i < _blocks.Length; i++)
        {
            RamBlock block = _blocks[i];
            ulong[] bits = new ulong[(block.PageCount + 63) / 64];
            bits.AsSpan().Fill(ulong.MaxValue);
            if (block.PageCount % 64 != 0)
            {
                bits[^1] = (1UL << (int)(block.PageCount % 64)) - 1;
            }

            _toSend[i] = bits;
            _pendingPages += block.PageCount;

            // Everything is sent in the first pass; writes from now on are caught by the dirty bits.
            block.ClearDirty();
        }

        _cursorBlock = 0;
        _cursorPage = 0;
        NormalPages = ZeroPages = 0;
        DirtySyncCount = 1;
        LastDirtyPages = _pendingPages;

        writer.WriteUInt64((ulong)TotalBytes | (ulong)QemuRamRecordKinds.MemSize);
        foreach (RamBlock block in _blocks)
        {
            writer.WriteCountedString(block.Id);
            writer.WriteUInt64((ulong)block.Length);
        }

        EndOfSection(ref writer);
    }

    // Every RAM EOS is a multifd sync point: the destination waits there until each channel's SYNC packet arrived.
    private void EndOfSection(ref VmStateWriter writer)
    {
        MultifdSender?.Sync();
        writer.WriteUInt64((ulong)QemuRamRecordKinds.Eos);
    }

    /// <inheritdoc/>
    public override bool SaveIterate(ref VmStateWriter writer, long budget)
    {
        SendPages(ref writer, budget);
        EndOfSection(ref writer);
        return _pendingPages == 0;
    }

    /// <inheritdoc/>
    public override PendingBytes SavePendingEstimate() =>
        _postcopyCapable ? new(0, _pendingPages * RamBlock.PageSize) : new(_pendingPages * RamBlock.PageSize, 0);

    /// <inheritdoc/>
    public override PendingBytes SavePendingExact()
    {
        CollectDirty();
        return SavePendingEstimate();
    }

    /// <inheritdoc/>
    public override void SaveCompletePrecopy(ref VmStateWriter writer)
    {
        CollectDirty();
        SendPages(ref writer, long.MaxValue);
        EndOfSection(ref writer);
    }

    /// <inheritdoc/>
    public override void SavePostcopyPrepare(ICollection<PostcopyDiscardRange> discards)
    {
        ArgumentNullException.ThrowIfNull(discards);
        CollectDirty();
        for (int i = 0; i < _blocks.Length; i++)
        {
            ulong[] bits = _toSend[i];
            long pages = _blocks[i].PageCount;
            long page = 0;
            while (page < pages)
            {
                long start = NextSet(bits, page, pages, set: true);
                if (start >= pages)
                {
                    break;
                }

                long end = NextSet(bits, start, pages, set: false);
                discards.Add(new PostcopyDiscardRange(_blocks[i].Id, (ulong)start << RamBlock.PageShift, (ulong)(end - start) << RamBlock.PageShift));
                page = end;
            }
        }

        // QEMU 7.2's destination needs one discard at least: its LISTEN without any sets its state back to DISCARD
        // and its RUN then fails. So when everything went in precopy, the first page goes once more, discarded first.
        if (discards.Count == 0 && _blocks.Length > 0 && _blocks[0].PageCount > 0)
        {
            _toSend[0][0] |= 1;
            _pendingPages++;
            discards.Add(new PostcopyDiscardRange(_blocks[0].Id, 0, RamBlock.PageSize));
        }
    }

    /// <summary>
    /// The source side, from any thread: the destination asks for <paramref name="length"/> bytes at
    /// <paramref name="start"/> of <paramref name="block"/> (null: the block its last request named, as REQ_PAGES
    /// means). The pages go out at the front of the next PART, unless they were sent already.
    /// </summary>
    /// <exception cref="VmStateLoadException">An unknown block, no block named yet, or a range outside the block or not
    /// of whole pages.</exception>
    public void QueuePageRequest(string? block, ulong start, uint length)
    {
        RamBlock? target = block is null ? _lastRequestBlock : Find(block);
        if (target is null)
        {
            VmStateThrow.LoadFailed(block is null ? "REQ_PAGES before any REQ_PAGES_ID named a block" : $"The destination asked for pages of unknown block '{PrintableText.Escape(block)}'", -1);
        }

        if ((start & FlagMask) != 0 || length == 0 || (length & FlagMask) != 0 || start > (ulong)target.Length || length > (ulong)target.Length - start)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"The destination asked for 0x{length:x} bytes at 0x{start:x} of block {PrintableText.Escape(target.Id)} of 0x{target.Length:x} bytes"), -1);
        }

        _lastRequestBlock = target;
        for (long p = (long)(start >> RamBlock.PageShift), last = p + (length >> RamBlock.PageShift); p < last; p++)
        {
            _requests.Enqueue((target, p));
            Interlocked.Increment(ref _requestsReceived);
        }
    }

    /// <summary>True while requested pages wait to be sent.</summary>
    public bool HasQueuedRequests => !_requests.IsEmpty;

    /// <inheritdoc/>
    public override void SaveCleanup() => _toSend = [];

    /// <inheritdoc/>
    public override IReadOnlyList<string> PostcopyBlocks => [.. _blocks.Select(b => b.Id)];

    /// <inheritdoc/>
    public override void SaveResumePrepare()
    {
        // Nothing is known to be missing until the destination says so; what the guest wrote before it stopped here
        // (a snapshot's load, too) is not new: the bitmaps decide what goes.
        _requests.Clear();
        _lastRequestBlock = null;
        _toSend = new ulong[_blocks.Length][];
        for (int i = 0; i < _blocks.Length; i++)
        {
            _toSend[i] = new ulong[(_blocks[i].PageCount + 63) / 64];
            _blocks[i].ClearDirty();
        }

        _pendingPages = 0;
        _cursorBlock = 0;
        _cursorPage = 0;
        _postcopyCapable = true;
    }

    /// <inheritdoc/>
    public override bool SaveResumeBitmap(string block, ReadOnlySpan<byte> bitmap)
    {
        ArgumentNullException.ThrowIfNull(block);
        int index = Array.FindIndex(_blocks, b => b.Id == block);
        if (index < 0)
        {
            return false;
        }

        RamBlock target = _blocks[index];
        if (bitmap.Length != ReceivedBitmapBytes(target))
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"The received bitmap of block {PrintableText.Escape(block)} has {bitmap.Length} bytes; its {target.PageCount} pages take {ReceivedBitmapBytes(target)}"), -1);
        }

        ulong[] bits = _toSend[index];
        long before = 0;
        for (int w = 0; w < bits.Length; w++)
        {
            before += (long)ulong.PopCount(bits[w]);
            bits[w] = ~System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bitmap.Slice(w * 8, 8));
        }

        if (target.PageCount % 64 != 0)
        {
            bits[^1] &= (1UL << (int)(target.PageCount % 64)) - 1;
        }

        long after = 0;
        foreach (ulong w in bits)
        {
            after += (long)ulong.PopCount(w);
        }

        _pendingPages += after - before;
        return true;
    }

    /// <inheritdoc/>
    public override byte[]? LoadReceivedBitmap(string block)
    {
        ArgumentNullException.ThrowIfNull(block);
        RamBlock? target = Find(block);
        if (target is null)
        {
            return null;
        }

        byte[] bitmap = new byte[ReceivedBitmapBytes(target)];
        for (long p = 0; p < target.PageCount; p++)
        {
            if (target.Postcopy is not { } pages || pages.IsReceived(p))
            {
                bitmap[p >> 3] |= (byte)(1 << (int)(p & 7));
            }
        }

        return bitmap;
    }

    // QEMU's size: one bit a page, in whole 64-bit words.
    private static int ReceivedBitmapBytes(RamBlock block) => (int)((block.PageCount + 63) / 64 * 8);

    /// <summary>
    /// The destination side, after a resume: the pages its guest asked for and still waits for (the requests sent on
    /// the broken connection may never have arrived), to ask for again.
    /// </summary>
    public IReadOnlyList<(RamBlock Block, long Page)> PendingPostcopyRequests()
    {
        var pending = new List<(RamBlock, long)>();
        foreach (RamBlock block in _blocks)
        {
            if (block.Postcopy is { } pages)
            {
                foreach (long page in pages.RequestedNotReceived())
                {
                    pending.Add((block, page));
                }
            }
        }

        return pending;
    }

    /// <inheritdoc/>
    public override void LoadSetup()
    {
        _postcopyLoad = false;
        _listening = false;
        _lastLoadBlock = null;
        _haveLoadBlock = false;
        _undo = TransactionalLoad ? new UndoLog() : null;
        foreach (RamBlock block in _blocks)
        {
            block.Pristine = LoadOntoZeroedRam ? AllPages(block) : null;
        }
        _arrived = SwitchoverAckWhenComplete ? [.. _blocks.Select(b => new ulong[(b.PageCount + 63) / 64])] : null;
        _arrivedMissing = SwitchoverAckWhenComplete ? _blocks.Sum(b => b.PageCount) : 0;
    }

    /// <inheritdoc/>
    public override void LoadState(ref VmStateReader reader, int versionId)
    {
        if (versionId != SectionVersion)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"RAM section version {versionId} is not supported (only {SectionVersion})"), reader.Position);
        }

        // A streamed frame cut short is parsed again from its start, so the block a CONTINUE record refers to must be
        // the one current when the frame began, not the last one the cut parse reached.
        (RamBlock? lastBlock, bool haveBlock) = (_lastLoadBlock, _haveLoadBlock);
        bool done = false;
        try
        {
            while (!done)
            {
                long at = reader.Position;
                ulong header = reader.ReadUInt64();
                var flags = (QemuRamRecordKinds)(header & FlagMask);
                ulong address = header & ~FlagMask;
                switch (flags & ~QemuRamRecordKinds.Continue)
                {
                    case QemuRamRecordKinds.MemSize:
                        LoadBlockList(ref reader, address, at);
                        break;
                    case QemuRamRecordKinds.Zero:
                    case QemuRamRecordKinds.Page:
                        if (MultifdReceiver is null)
                        {
                            LoadPage(ref reader, flags, address, at);
                        }
                        else
                        {
                            // The channels' threads update the same undo log and page tracking.
                            lock (_loadLock)
                            {
                                LoadPage(ref reader, flags, address, at);
                            }
                        }

                        break;
                    case QemuRamRecordKinds.MultifdFlush:
                        break;
                    case QemuRamRecordKinds.Eos:
                        MultifdReceiver?.Sync(at);
                        done = true;
                        break;
                    default:
                        VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown combination of migration flags: 0x{(ulong)flags:x}"), at);
                        break;
                }
            }
        }
        finally
        {
            if (!done)
            {
                (_lastLoadBlock, _haveLoadBlock) = (lastBlock, haveBlock);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Walks the record headers without touching the pages: 8 bytes read per 4 KiB page.</remarks>
    public override long LoadMeasure(ReadOnlySpan<byte> body)
    {
        long at = 0;
        while (true)
        {
            if (body.Length - at < sizeof(ulong))
            {
                return at + sizeof(ulong);
            }

            var flags = (QemuRamRecordKinds)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(body[(int)at..]) & FlagMask);
            at += sizeof(ulong);
            switch (flags & ~QemuRamRecordKinds.Continue)
            {
                case QemuRamRecordKinds.Eos:
                    return at;
                case QemuRamRecordKinds.MultifdFlush:
                    break;
                case QemuRamRecordKinds.Zero:
                case QemuRamRecordKinds.Page:
                    if ((flags & QemuRamRecordKinds.Continue) == 0)
                    {
                        if (at >= body.Length)
                        {
                            return at + 1;
                        }

                        at += 1 + body[(int)at];
                    }

                    at += (flags & QemuRamRecordKinds.Zero) != 0 ? 1 : RamBlock.PageSize;
                    break;
                default:
                    // The block list, or a combination the parse will reject with its own message.
                    return -1;
            }
        }
    }

    /// <inheritdoc/>
    public override void LoadPostcopyAdvise()
    {
        // Discards zero pages behind the tracking's back: postcopy loads without it.
        ForgetPristine(keep: true);
        foreach (RamBlock block in _blocks)
        {
            block.BeginPostcopy();
        }

        _postcopyLoad = true;
    }

    /// <inheritdoc/>
    public override bool LoadPostcopyDiscard(MigrationCommandFrame discard)
    {
        ArgumentNullException.ThrowIfNull(discard);
        RamBlock? block = Find(discard.Block ?? "");
        if (block is null)
        {
            // A block this machine does not model is skipped, as its pages are.
            return SkipUnknownBlocks;
        }

        PostcopyPages pages = block.Postcopy ?? block.BeginPostcopy();
        foreach ((ulong start, ulong length) in discard.Ranges)
        {
            if ((start & FlagMask) != 0 || (length & FlagMask) != 0 || start > (ulong)block.Length || length > (ulong)block.Length - start)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Discard of 0x{length:x} bytes at 0x{start:x} is not whole pages inside block {PrintableText.Escape(block.Id)} of 0x{block.Length:x} bytes"), -1);
            }
        }

        foreach ((ulong start, ulong length) in discard.Ranges)
        {
            // The stale bytes stay: no guest access reaches them before the page's new copy overwrote them whole.
            pages.Discard((long)(start >> RamBlock.PageShift), (long)(length >> RamBlock.PageShift));
        }

        return true;
    }

    /// <inheritdoc/>
    public override void LoadPostcopyListen()
    {
        foreach (RamBlock block in _blocks)
        {
            (block.Postcopy ?? block.BeginPostcopy()).PageRequested = PostcopyPageRequested;
        }

        _listening = true;
    }

    /// <inheritdoc/>
    public override void LoadPostcopyRun()
    {
        // The guest runs on these pages from now on: there is nothing to roll back to.
        _undo?.Dispose();
        _undo = null;
    }

    private static ulong[] AllPages(RamBlock block)
    {
        var bits = new ulong[(block.PageCount + 63) / 64];
        Array.Fill(bits, ulong.MaxValue);
        return bits;
    }

    // Ends the tracking of untouched pages. With keep set, the pages this load wrote are handed to the undo log
    // (as zero pages, which they were), so that a rollback still clears them.
    private void ForgetPristine(bool keep = false)
    {
        foreach (RamBlock block in _blocks)
        {
            if (keep && _undo is not null && block.Pristine is { } pristine)
            {
                for (long page = 0; page < block.PageCount; page++)
                {
                    if ((pristine[page >> 6] & (1UL << (int)(page & 63))) == 0)
                    {
                        _undo.Keep(block, page, knownZero: true);
                    }
                }
            }

            block.Pristine = null;
        }
    }

    // A rollback of a load onto zeroed RAM: every page it wrote is zeroed again, a 64-page word at a time.
    private void ZeroWrittenPages()
    {
        foreach (RamBlock block in _blocks)
        {
            if (block.Pristine is not { } pristine)
            {
                continue;
            }

            for (int word = 0; word < pristine.Length; word++)
            {
                ulong written = ~pristine[word];
                while (written != 0)
                {
                    long page = ((long)word << 6) + System.Numerics.BitOperations.TrailingZeroCount(written);
                    written &= written - 1;
                    if (page < block.PageCount)
                    {
                        block.Page(page).Clear();
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public override void LoadCommit()
    {
        _undo?.Discard();
        LoadOntoZeroedRam = false;
        ForgetPristine();
        if (_postcopyLoad)
        {
            foreach (RamBlock block in _blocks)
            {
                if (block.Postcopy is { Missing: > 0 } pages)
                {
                    VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Postcopy ended with {pages.Missing} pages of block {PrintableText.Escape(block.Id)} never sent"), -1);
                }
            }

            foreach (RamBlock block in _blocks)
            {
                block.EndPostcopy();
            }

            _postcopyLoad = _listening = false;
        }
    }

    /// <inheritdoc/>
    public override void LoadRollback()
    {
        // Channels still writing pages would write past the rollback.
        MultifdReceiver?.Stop();

        // The undo log brings back the zeros; without one the pages keep what the failed load wrote.
        LoadOntoZeroedRam &= _undo is not null;
        if (_undo is not null)
        {
            ZeroWrittenPages();
        }

        _undo?.Restore();
        ForgetPristine();
    }

    /// <inheritdoc/>
    public override void LoadCleanup()
    {
        _undo?.Dispose();
        _undo = null;
        ForgetPristine();
        _lastLoadBlock = null;

        // A resumed stream's first record must name its block (CONTINUE refers to nothing on a new connection).
        _haveLoadBlock = false;
    }

    private void LoadBlockList(ref VmStateReader reader, ulong total, long at)
    {
        ulong remaining = total;
        while (remaining > 0)
        {
            long blockAt = reader.Position;
            string id = reader.ReadCountedString();
            ulong length = reader.ReadUInt64();
            RamBlock? block = Find(id);
            if (block is null && !SkipUnknownBlocks)
            {
                VmStateThrow.LoadFailed($"Unknown ramblock \"{PrintableText.Escape(id)}\", cannot accept migration", blockAt);
            }

            if (block is not null && (ulong)block.Length != length)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Length mismatch: {PrintableText.Escape(id)}: 0x{length:x} in != 0x{block.Length:x}"), blockAt);
            }

            if (length > remaining)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"RAM block list runs past the announced total of 0x{total:x} bytes"), at);
            }

            remaining -= length;
        }
    }

    private void LoadPage(ref VmStateReader reader, QemuRamRecordKinds flags, ulong address, long at)
    {
        RamBlock? block;
        if ((flags & QemuRamRecordKinds.Continue) != 0)
        {
            if (!_haveLoadBlock)
            {
                VmStateThrow.LoadFailed("RAM page continues a block, but no block came before it", at);
            }

            block = _lastLoadBlock;
        }
        else
        {
            string id = reader.ReadCountedString();
            block = Find(id);
            if (block is null && !SkipUnknownBlocks)
            {
                VmStateThrow.LoadFailed($"Can't find block {PrintableText.Escape(id)}", at);
            }

            _lastLoadBlock = block;
            _haveLoadBlock = true;
        }

        if (block is null)
        {
            // A block this machine does not model (SkipUnknownBlocks): read past the payload.
            int size = (flags & QemuRamRecordKinds.Zero) != 0 ? 1 : RamBlock.PageSize;
            reader.EnsureAvailable(size, 1);
            reader.Skip(size);
            return;
        }

        if (address >= (ulong)block.Length)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Illegal RAM offset 0x{address:x} in block {PrintableText.Escape(block.Id)} of 0x{block.Length:x} bytes"), at);
        }

        long page = (long)(address >> RamBlock.PageShift);
        if (_arrived is not null)
        {
            Arrived(block, page);
        }

        PostcopyPages? postcopy = _listening ? block.Postcopy : null;
        if (postcopy is not null && postcopy.IsReceived(page))
        {
            // Placed already (asked for, or a frame parsed again): the guest may have written it since.
            int size = (flags & QemuRamRecordKinds.Zero) != 0 ? 1 : RamBlock.PageSize;
            reader.EnsureAvailable(size, 1);
            reader.Skip(size);
            return;
        }

        // A page of a zeroed machine that this load has not written yet is known to be zero without reading it.
        ulong[]? pristine = block.Pristine;
        ulong bit = 1UL << (int)(page & 63);
        bool untouched = pristine is not null && (pristine[page >> 6] & bit) != 0;
        if ((flags & QemuRamRecordKinds.Zero) != 0)
        {
            byte fill = reader.ReadUInt8();
            if (!untouched || fill != 0)
            {
                Span<byte> target = block.Page(page);
                if (untouched || target.ContainsAnyExcept(fill))
                {
                    // An untouched page's undo is its cleared bit (a rollback zeroes it again).
                    if (!untouched)
                    {
                        _undo?.Keep(block, page, knownZero: false);
                    }

                    target.Fill(fill);
                }
            }
        }
        else
        {
            reader.EnsureAvailable(RamBlock.PageSize, 1);
            if (!untouched)
            {
                _undo?.Keep(block, page, knownZero: false);
            }

            if (reader.TryTake(RamBlock.PageSize, out ReadOnlySpan<byte> data))
            {
                PageCopy.Store(data, block.Page(page));
            }
            else
            {
                reader.ReadBytes(block.Page(page));
            }
        }

        if (untouched)
        {
            pristine![page >> 6] &= ~bit;
        }

        postcopy?.MarkReceived(page);
    }

    internal RamBlock? FindBlock(string id) => Find(id);

    // A multifd channel is about to read these pages of `block` into place: what a main-stream page record does
    // before its copy (undo, untouched-page tracking, arrival), under the lock the main stream takes too.
    internal void PrepareMultifdPages(RamBlock block, ReadOnlySpan<long> pages)
    {
        lock (_loadLock)
        {
            ulong[]? pristine = block.Pristine;
            foreach (long page in pages)
            {
                if (_arrived is not null)
                {
                    Arrived(block, page);
                }

                ulong bit = 1UL << (int)(page & 63);
                if (pristine is not null && (pristine[page >> 6] & bit) != 0)
                {
                    pristine[page >> 6] &= ~bit;
                }
                else
                {
                    _undo?.Keep(block, page, knownZero: false);
                }
            }
        }
    }

    private RamBlock? Find(string id)
    {
        foreach (RamBlock b in _blocks)
        {
            if (string.Equals(b.Id, id, StringComparison.Ordinal))
            {
                return b;
            }
        }

        return null;
    }

    private void CollectDirty()
    {
        long added = 0;
        for (int i = 0; i < _blocks.Length; i++)
        {
            added += _blocks[i].CollectDirty(_toSend[i]);
        }

        _pendingPages += added;
        LastDirtyPages = added;
        DirtySyncCount++;
    }

    // Sends the requested pages, then pages marked in _toSend from the cursor on, wrapping around, until the budget is spent.
    // Optimized from the first call: a migration pass is over before tiering would recompile it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SendPages(ref VmStateWriter writer, long budget)
    {
        long start = writer.Position;
        RamBlock? last = null;
        while (_requests.TryDequeue(out (RamBlock Block, long Page) wanted))
        {
            int index = Array.IndexOf(_blocks, wanted.Block);
            ulong bit = 1UL << (int)(wanted.Page & 63);
            ref ulong word = ref _toSend[index][wanted.Page >> 6];
            if ((word & bit) == 0)
            {
                // Sent already: it is on its way.
                continue;
            }

            word &= ~bit;
            _pendingPages--;
            WritePage(ref writer, wanted.Block, wanted.Page, ReferenceEquals(wanted.Block, last));
            last = wanted.Block;
            PostcopyRequestedPagesSent++;
        }

        // A budget of 0 serves the requests alone (a source woken by one keeps its background pass to the bandwidth).
        if (budget <= 0)
        {
            return;
        }

        // Pages handed to multifd channels count against the budget too.
        MultifdSender? multifd = MultifdSender;
        long offMain = 0;
        for (int visited = 0; visited <= _blocks.Length && _pendingPages > 0; visited++)
        {
            RamBlock block = _blocks[_cursorBlock];
            ulong[] bits = _toSend[_cursorBlock];
            long page = _cursorPage;
            while (page < block.PageCount)
            {
                int word = (int)(page >> 6);
                ulong w = bits[word] & (ulong.MaxValue << (int)(page & 63));
                if (w == 0)
                {
                    page = (long)(word + 1) << 6;
                    continue;
                }

                page = ((long)word << 6) + System.Numerics.BitOperations.TrailingZeroCount(w);
                bits[word] &= ~(1UL << (int)(page & 63));
                _pendingPages--;
                if (multifd is null)
                {
                    WritePage(ref writer, block, page, ReferenceEquals(block, last));
                    last = block;
                }
                else if (block.Page(page).ContainsAnyExcept((byte)0))
                {
                    multifd.Queue(block, page);
                    NormalPages++;
                    offMain += RamBlock.PageSize;
                }
                else
                {
                    WritePage(ref writer, block, page, ReferenceEquals(block, last), knownZero: true);
                    last = block;
                }

                page++;
                if (writer.Position - start + offMain >= budget)
                {
                    _cursorPage = page;
                    return;
                }
            }

            _cursorBlock = (_cursorBlock + 1) % _blocks.Length;
            _cursorPage = 0;
        }
    }

    // The first page from `from` on whose bit is `set` (or `end`).
    private static long NextSet(ulong[] bits, long from, long end, bool set)
    {
        long page = from;
        while (page < end)
        {
            int word = (int)(page >> 6);
            ulong w = (set ? bits[word] : ~bits[word]) & (ulong.MaxValue << (int)(page & 63));
            if (w != 0)
            {
                return Math.Min(end, ((long)word << 6) + System.Numerics.BitOperations.TrailingZeroCount(w));
            }

            page = (long)(word + 1) << 6;
        }

        return end;
    }

    private void WritePage(ref VmStateWriter writer, RamBlock block, long page, bool sameBlock, bool knownZero = false)
    {
        ReadOnlySpan<byte> data = block.Page(page);
        bool zero = knownZero || !data.ContainsAnyExcept((byte)0);
        ulong header = ((ulong)page << RamBlock.PageShift)
            | (ulong)(zero ? QemuRamRecordKinds.Zero : QemuRamRecordKinds.Page)
            | (ulong)(sameBlock ? QemuRamRecordKinds.Continue : QemuRamRecordKinds.None);
        writer.WriteUInt64(header);
        if (!sameBlock)
        {
            writer.WriteCountedString(block.Id);
        }

        if (zero)
        {
            writer.WriteUInt8(0);
            ZeroPages++;
        }
        else
        {
            writer.WriteBytes(data);
            NormalPages++;
        }
    }

    // Original contents of pages overwritten by a load, kept in native chunks until commit or rollback. A slot table
    // per block (slot + 1, 0 for none) is allocated on the block's first kept page.
    private sealed unsafe class UndoLog : IDisposable
    {
        private readonly Dictionary<RamBlock, int[]> _slots = [];
        private readonly List<nint> _chunks = [];
        private readonly List<(RamBlock Block, long Page, int Slot)> _kept = [];
        private int _copies;

        private RamBlock? _lastBlock;
        private int[] _lastSlots = [];

        public void Keep(RamBlock block, long page, bool knownZero)
        {
            // Consecutive pages are nearly always of one block: no dictionary look-up per page.
            int[] slots = _lastSlots;
            if (!ReferenceEquals(block, _lastBlock))
            {
                if (!_slots.TryGetValue(block, out int[]? found))
                {
                    found = new int[block.PageCount];
                    _slots[block] = found;
                }

                (_lastBlock, _lastSlots, slots) = (block, found, found);
            }

            if (slots[page] != 0)
            {
                return;
            }

            // A page that was all zeros (every page of a fresh destination) is remembered without a copy.
            Span<byte> original = block.Page(page);
            if (knownZero || !original.ContainsAnyExcept((byte)0))
            {
                slots[page] = -1;
                _kept.Add((block, page, -1));
                return;
            }

            int slot = _copies++;
            if (slot == _chunks.Count * UndoChunkPages)
            {
                _chunks.Add((nint)NativeMemory.Alloc((nuint)UndoChunkPages * RamBlock.PageSize));
            }

            original.CopyTo(Slot(slot));
            slots[page] = slot + 1;
            _kept.Add((block, page, slot));
        }

        public void Restore()
        {
            foreach ((RamBlock block, long page, int slot) in _kept)
            {
                if (slot < 0)
                {
                    block.Page(page).Clear();
                }
                else
                {
                    Slot(slot).CopyTo(block.Page(page));
                }
            }

            Discard();
        }

        public void Discard()
        {
            foreach ((RamBlock block, long page, _) in _kept)
            {
                _slots[block][page] = 0;
            }

            _kept.Clear();
            _copies = 0;
        }

        public void Dispose()
        {
            foreach (nint chunk in _chunks)
            {
                NativeMemory.Free((void*)chunk);
            }

            _chunks.Clear();
            _kept.Clear();
        }

        private Span<byte> Slot(int slot) =>
            new((byte*)_chunks[slot / UndoChunkPages] + ((long)(slot % UndoChunkPages) * RamBlock.PageSize), RamBlock.PageSize);
    }
}
