using System.Diagnostics;

namespace VmState.Ram;

/// <summary>
/// Which pages of a <see cref="RamBlock"/> a postcopy destination holds (QEMU's <c>receivedmap</c>), and the wait of a
/// guest access to one it does not: the access asks for the page once (<see cref="PageRequested"/>) and blocks until
/// the incoming stream places it. This is the sample's stand-in for userfaultfd: every guest access goes through
/// <see cref="RamBlock.Read"/> and <see cref="RamBlock.Write"/>, which call here while postcopy is on.
/// </summary>
public sealed class PostcopyPages
{
    private readonly RamBlock _block;
    private readonly ulong[] _received;
    private readonly ulong[] _requested;
    private readonly object _gate = new();
    private int _waiters;
    private long _faults;
    private long _waitTicks;
    private long _maxWaitTicks;

    internal PostcopyPages(RamBlock block)
    {
        _block = block;
        int words = (int)((block.PageCount + 63) / 64);
        _received = new ulong[words];
        _requested = new ulong[words];

        // Until a discard says otherwise every page holds its final contents: the precopy passes sent them.
        _received.AsSpan().Fill(ulong.MaxValue);
        if (block.PageCount % 64 != 0)
        {
            _received[^1] = (1UL << (int)(block.PageCount % 64)) - 1;
        }
    }

    /// <summary>Called (on the faulting thread) the first time a guest access needs a page that has not arrived.</summary>
    public Action<RamBlock, long>? PageRequested { get; set; }

    /// <summary>Guest accesses that had to wait for a page.</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Time those accesses waited, in all.</summary>
    public TimeSpan TotalWait => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitTicks));

    /// <summary>The longest single wait.</summary>
    public TimeSpan MaxWait => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maxWaitTicks));

    /// <summary>Pages that have not arrived yet.</summary>
    public long Missing
    {
        get
        {
            long held = 0;
            for (int i = 0; i < _received.Length; i++)
            {
                held += (long)ulong.PopCount(Volatile.Read(ref _received[i]));
            }

            return _block.PageCount - held;
        }
    }

    /// <summary>True once page <paramref name="page"/> arrived (or was never discarded).</summary>
    public bool IsReceived(long page) => (Volatile.Read(ref _received[page >> 6]) & (1UL << (int)(page & 63))) != 0;

    // Pages a guest access asked for that have not arrived.
    internal List<long> RequestedNotReceived()
    {
        var pages = new List<long>();
        for (int w = 0; w < _requested.Length; w++)
        {
            ulong open = Volatile.Read(ref _requested[w]) & ~Volatile.Read(ref _received[w]);
            while (open != 0)
            {
                pages.Add(((long)w << 6) + System.Numerics.BitOperations.TrailingZeroCount(open));
                open &= open - 1;
            }
        }

        return pages;
    }

    // The source will send pages [first, first + count) again: their contents here are stale. Word by word, since a
    // discard of everything not yet sent covers most of the block and lands inside the guest's pause.
    internal void Discard(long first, long count)
    {
        long end = first + count;
        while (first < end)
        {
            int word = (int)(first >> 6);
            int low = (int)(first & 63);
            int bits = (int)Math.Min(64 - low, end - first);
            ulong mask = bits == 64 ? ulong.MaxValue : ((1UL << bits) - 1) << low;
            Interlocked.And(ref _received[word], ~mask);
            Interlocked.And(ref _requested[word], ~mask);
            first += bits;
        }
    }

    // The stream placed the page (its bytes are written before this): wake whoever waits for it.
    internal void MarkReceived(long page)
    {
        Interlocked.Or(ref _received[page >> 6], 1UL << (int)(page & 63));

        // Both sides fence (Interlocked): either the waiter sees the bit or this sees the waiter.
        if (Volatile.Read(ref _waiters) > 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    // A guest access to [offset, offset + length): returns once every page of it is here.
    internal void Touch(long offset, long length)
    {
        if (length <= 0)
        {
            return;
        }

        for (long p = offset >> RamBlock.PageShift, last = (offset + length - 1) >> RamBlock.PageShift; p <= last; p++)
        {
            if (!IsReceived(p))
            {
                Wait(p);
            }
        }
    }

    private void Wait(long page)
    {
        long start = Stopwatch.GetTimestamp();
        ulong bit = 1UL << (int)(page & 63);
        if ((Interlocked.Or(ref _requested[page >> 6], bit) & bit) == 0)
        {
            PageRequested?.Invoke(_block, page);
        }

        lock (_gate)
        {
            Interlocked.Increment(ref _waiters);
            try
            {
                while (!IsReceived(page))
                {
                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _waiters);
            }
        }

        long waited = Stopwatch.GetTimestamp() - start;
        Interlocked.Increment(ref _faults);
        Interlocked.Add(ref _waitTicks, waited);
        long max;
        while (waited > (max = Interlocked.Read(ref _maxWaitTicks)) && Interlocked.CompareExchange(ref _maxWaitTicks, waited, max) != max)
        {
        }
    }
}
