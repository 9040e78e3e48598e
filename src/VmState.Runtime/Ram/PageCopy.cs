using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VmState.Ram;

/// <summary>
/// Copies an incoming page into guest RAM with non-temporal stores where the CPU has them: a 4 KiB copy is too small
/// for memcpy to stream, so each store would first read the cold destination line it replaces (read for ownership),
/// which costs a load about as much again as the copy.
/// </summary>
internal static unsafe class PageCopy
{
    /// <summary>Copies <paramref name="source"/> (one page) into <paramref name="page"/>.</summary>
    public static void Store(ReadOnlySpan<byte> source, Span<byte> page)
    {
        fixed (byte* from = source)
        fixed (byte* to = page)
        {
            if (!Avx.IsSupported || ((nuint)to & 31) != 0 || source.Length != page.Length || page.Length % 128 != 0)
            {
                source.CopyTo(page);
                return;
            }

            for (int i = 0; i < page.Length; i += 128)
            {
                Vector256<byte> a = Avx.LoadVector256(from + i);
                Vector256<byte> b = Avx.LoadVector256(from + i + 32);
                Vector256<byte> c = Avx.LoadVector256(from + i + 64);
                Vector256<byte> d = Avx.LoadVector256(from + i + 96);
                Avx.StoreAlignedNonTemporal(to + i, a);
                Avx.StoreAlignedNonTemporal(to + i + 32, b);
                Avx.StoreAlignedNonTemporal(to + i + 64, c);
                Avx.StoreAlignedNonTemporal(to + i + 96, d);
            }

            // Streaming stores are weakly ordered: make the page visible before anyone is told it arrived.
            Sse.StoreFence();
        }
    }
}
