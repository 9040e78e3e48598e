namespace VmState.Ram;

/// <summary>
/// A compression method of multifd packets (QEMU's <c>multifd-compression</c>): the flag bits it puts in a packet's
/// header and a compression stream per channel. In QEMU each channel keeps one stream for the whole migration and
/// ends every packet's pages with a flush, so a packet's bytes decode only after those of the packets before it on
/// the same channel.
/// </summary>
public abstract class MultifdCompression
{
    /// <summary>QEMU's name of the method (<c>zstd</c>, <c>zlib</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Its bits within <see cref="MultifdWire.FlagCompressionMask"/> (e.g. <see cref="MultifdWire.FlagZstd"/>).</summary>
    public abstract uint Flag { get; }

    /// <summary>The most bytes one packet's pages may compress to (the channel's buffer size).</summary>
    public virtual int MaxPacketBytes => 2 * MultifdWire.PagesPerPacket * RamBlock.PageSize;

    /// <summary>A new compression stream, for one sending channel.</summary>
    public abstract IMultifdCompressor CreateCompressor();

    /// <summary>A new decompression stream, for one receiving channel.</summary>
    public abstract IMultifdDecompressor CreateDecompressor();
}

/// <summary>One channel's compression stream.</summary>
public interface IMultifdCompressor : IDisposable
{
    /// <summary>
    /// Compresses <paramref name="pages"/> (whole pages) onto the stream, writing to <paramref name="output"/>; with
    /// <paramref name="endOfPacket"/> the stream is flushed, so the packet decodes on its own after its predecessors.
    /// Returns the bytes written.
    /// </summary>
    /// <exception cref="IOException">The output did not fit, or the compressor failed.</exception>
    int Compress(ReadOnlySpan<byte> pages, Span<byte> output, bool endOfPacket);
}

/// <summary>One channel's decompression stream.</summary>
public interface IMultifdDecompressor : IDisposable
{
    /// <summary>
    /// Decodes from <paramref name="input"/> until <paramref name="pages"/> is full; returns the input bytes used.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is not a valid stream, or ends before the pages are full.</exception>
    int Decompress(ReadOnlySpan<byte> input, Span<byte> pages);
}
