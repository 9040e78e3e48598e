using VmState.Wire;

namespace VmState.Ram;

/// <summary>
/// A named block of guest RAM (QEMU's RAMBlock, e.g. <c>pc.ram</c>) in native memory, outside the managed heap, with a
/// dirty bitmap of 4 KiB pages. Writers mark pages dirty after writing them; migration collects and clears the bits.
/// </summary>
public sealed unsafe class RamBlock : IDisposable
{
    /// <summary>The target page size (x86: 4 KiB).</summary>
    public const int PageSize = 4096;

    /// <summary>log2 of <see cref="PageSize"/>.</summary>
    public const int PageShift = 12;

    private readonly ulong[] _dirty;
    private byte* _base;
    private nint _handle;
    private nuint _mapped;
    private volatile PostcopyPages? _postcopy;

    /// <summary>A zero-filled block of <paramref name="length"/> bytes (a multiple of <see cref="PageSize"/>).</summary>
    public RamBlock(string id, long length)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (length <= 0 || length % PageSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "RAM block length must be a positive multiple of the page size");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(id) > 255)
        {
            throw new ArgumentException("RAM block id must fit in 255 bytes", nameof(id));
        }

        Id = id;
        Length = length;
        PageCount = length >> PageShift;

        // Zero pages come lazily from the OS, so a large idle block costs nothing until written.
        _base = GuestMemory.Allocate(length, out _handle, out _mapped);
        _dirty = new ulong[(PageCount + 63) / 64];
    }

    /// <summary>The block's id string on the wire.</summary>
    public string Id { get; }

    /// <summary>Bytes in the block.</summary>
    public long Length { get; }

    /// <summary>Pages in the block.</summary>
    public long PageCount { get; }

    /// <summary>The bytes of one page; writing through it does not mark it dirty (call <see cref="MarkDirty"/>).</summary>
    public Span<byte> Page(long pageIndex)
    {
        ObjectDisposedException.ThrowIf(_base is null, this);
        if ((ulong)pageIndex >= (ulong)PageCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pageIndex));
        }

        return new Span<byte>(_base + (pageIndex << PageShift), PageSize);
    }

    // Consecutive pages as one span (multifd sends and receives runs of pages with one call).
    internal Span<byte> Pages(long first, int count)
    {
        ObjectDisposedException.ThrowIf(_base is null, this);
        if (first < 0 || count < 0 || first > PageCount - count)
        {
            throw new ArgumentOutOfRangeException(nameof(first));
        }

        return new Span<byte>(_base + (first << PageShift), count << PageShift);
    }

    /// <summary>
    /// The pages a postcopy destination holds while postcopy runs (null otherwise). While it is set, <see cref="Read"/>
    /// and <see cref="Write"/> wait for pages that have not arrived; <see cref="Page"/> does not (it is the loader's and
    /// the hash's raw access).
    /// </summary>
    public PostcopyPages? Postcopy => _postcopy;

    /// <summary>
    /// Copies <paramref name="data"/> to <paramref name="offset"/> and marks the pages dirty. During postcopy it first
    /// waits for the pages it covers.
    /// </summary>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        CheckRange(offset, data.Length);
        _postcopy?.Touch(offset, data.Length);
        data.CopyTo(new Span<byte>(_base + offset, data.Length));
        MarkDirty(offset, data.Length);
    }

    /// <summary>Copies bytes at <paramref name="offset"/> into <paramref name="destination"/> (during postcopy, once they arrived).</summary>
    public void Read(long offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length);
        _postcopy?.Touch(offset, destination.Length);
        new ReadOnlySpan<byte>(_base + offset, destination.Length).CopyTo(destination);
    }

    /// <summary>Marks the pages covering [offset, offset+length) dirty; safe from any thread.</summary>
    public void MarkDirty(long offset, long length)
    {
        if (length <= 0)
        {
            return;
        }

        CheckRange(offset, length);
        for (long p = offset >> PageShift, last = (offset + length - 1) >> PageShift; p <= last; p++)
        {
            Interlocked.Or(ref _dirty[p >> 6], 1UL << (int)(p & 63));
        }
    }

    /// <summary>Moves the dirty bits into <paramref name="into"/> (OR) and clears them; returns how many bits were new there.</summary>
    internal long CollectDirty(ulong[] into)
    {
        long added = 0;
        for (int i = 0; i < _dirty.Length; i++)
        {
            if (Volatile.Read(ref _dirty[i]) == 0)
            {
                continue;
            }

            ulong bits = Interlocked.Exchange(ref _dirty[i], 0);
            added += (long)ulong.PopCount(bits & ~into[i]);
            into[i] |= bits;
        }

        return added;
    }

    /// <summary>
    /// Maps every page now (a destination does this while it waits, so that the incoming stream does not pay for
    /// first-touch page faults). Contents are unchanged.
    /// </summary>
    public void Prefault()
    {
        ObjectDisposedException.ThrowIf(_base is null, this);
        GuestMemory.Prefault(_base, Length);
    }

    // During a load onto zeroed RAM: the pages this load has not written yet (set bits), so known to be zero.
    internal ulong[]? Pristine { get; set; }

    // A postcopy destination starts tracking which pages it holds (all of them, until discards arrive).
    internal PostcopyPages BeginPostcopy() => _postcopy ??= new PostcopyPages(this);

    // Every page arrived: accesses go straight to memory again.
    internal void EndPostcopy() => _postcopy = null;

    /// <summary>Clears every dirty bit.</summary>
    public void ClearDirty() => Array.Clear(_dirty);

    /// <summary>Frees the native memory.</summary>
    public void Dispose()
    {
        if (_base is not null)
        {
            GuestMemory.Free(_base, _handle, _mapped);
            _base = null;
        }
    }

    private void CheckRange(long offset, long length)
    {
        ObjectDisposedException.ThrowIf(_base is null, this);
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, +{length}) is outside RAM block '{PrintableText.Escape(Id)}' of {Length} bytes");
        }
    }
}
