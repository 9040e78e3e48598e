using VmState.Ram;
using ZstdSharp.Unsafe;

namespace SampleMachine.Migration;

/// <summary>
/// QEMU's <c>multifd-compression zstd</c>: one zstd stream per channel for the whole migration, each packet's pages
/// compressed onto it and flushed at the packet's end (ZSTD_e_flush, never ending the frame), so the destination
/// decodes a packet with the same stream right after the ones before it. Level 1, QEMU's default
/// <c>multifd-zstd-level</c>.
/// </summary>
public sealed class ZstdMultifdCompression : MultifdCompression
{
    /// <summary>The zstd level (QEMU's <c>multifd-zstd-level</c>, 1 to 20).</summary>
    public int Level { get; init; } = 1;

    /// <inheritdoc/>
    public override string Name => "zstd";

    /// <inheritdoc/>
    public override uint Flag => MultifdWire.FlagZstd;

    /// <inheritdoc/>
    public override IMultifdCompressor CreateCompressor() => new Compressor(Level);

    /// <inheritdoc/>
    public override IMultifdDecompressor CreateDecompressor() => new Decompressor();

    private static string Describe(nuint code) => ZstdSharp.Unsafe.Methods.ZSTD_getErrorName(code) is var name && name is not null ? new string(name) : "error";

    private sealed unsafe class Compressor : IMultifdCompressor
    {
        private ZSTD_CCtx_s* _context;

        public Compressor(int level)
        {
            _context = Methods.ZSTD_createCCtx();
            nuint code = Methods.ZSTD_CCtx_setParameter(_context, ZSTD_cParameter.ZSTD_c_compressionLevel, level);
            if (Methods.ZSTD_isError(code))
            {
                Methods.ZSTD_freeCCtx(_context);
                throw new ArgumentOutOfRangeException(nameof(level), level, "zstd: " + Describe(code));
            }
        }

        public int Compress(ReadOnlySpan<byte> pages, Span<byte> output, bool endOfPacket)
        {
            ObjectDisposedException.ThrowIf(_context is null, this);
            nuint read = 0;
            nuint written = 0;
            fixed (byte* src = pages)
            fixed (byte* dst = output)
            {
                ZSTD_EndDirective directive = endOfPacket ? ZSTD_EndDirective.ZSTD_e_flush : ZSTD_EndDirective.ZSTD_e_continue;
                while (true)
                {
                    nuint left = Methods.ZSTD_compressStream2_simpleArgs(_context, dst, (nuint)output.Length, &written, src, (nuint)pages.Length, &read, directive);
                    if (Methods.ZSTD_isError(left))
                    {
                        throw new IOException("zstd: " + Describe(left));
                    }

                    // Done once the input is in and, for a flush, nothing is left to write out.
                    if (read == (nuint)pages.Length && (!endOfPacket || left == 0))
                    {
                        return (int)written;
                    }

                    if (written == (nuint)output.Length)
                    {
                        throw new IOException("zstd: a packet's pages did not fit the channel's buffer");
                    }
                }
            }
        }

        public void Dispose()
        {
            if (_context is not null)
            {
                Methods.ZSTD_freeCCtx(_context);
                _context = null;
            }
        }
    }

    private sealed unsafe class Decompressor : IMultifdDecompressor
    {
        private ZSTD_DCtx_s* _context = Methods.ZSTD_createDCtx();

        public int Decompress(ReadOnlySpan<byte> input, Span<byte> pages)
        {
            ObjectDisposedException.ThrowIf(_context is null, this);
            nuint read = 0;
            nuint written = 0;
            fixed (byte* src = input)
            fixed (byte* dst = pages)
            {
                while (written < (nuint)pages.Length)
                {
                    nuint before = read + written;
                    nuint code = Methods.ZSTD_decompressStream_simpleArgs(_context, dst, (nuint)pages.Length, &written, src, (nuint)input.Length, &read);
                    if (Methods.ZSTD_isError(code))
                    {
                        throw new InvalidDataException(Describe(code));
                    }

                    if (read + written == before)
                    {
                        throw new InvalidDataException($"the packet's compressed bytes ended after {written} of {pages.Length} bytes of pages");
                    }
                }
            }

            return (int)read;
        }

        public void Dispose()
        {
            if (_context is not null)
            {
                Methods.ZSTD_freeDCtx(_context);
                _context = null;
            }
        }
    }
}
