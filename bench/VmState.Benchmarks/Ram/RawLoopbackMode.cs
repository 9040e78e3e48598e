using System.Globalization;

namespace VmState.Benchmarks.Ram;

/// <summary>
/// <c>--raw-loopback [BYTES]</c>: the anchor of the live-migration comparison (bench/live-migration-vs-qemu.py): a
/// prefaulted buffer of random bytes sent as it is over loopback TCP into another prefaulted buffer, in 1 MiB writes.
/// Prints <c>raw-loopback BYTES MILLISECONDS</c>.
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
        using RamGuest source = RamGuest.Filled(bytes, RamFill.Random, seed: 1);
        using RamGuest destination = RamGuest.Empty(bytes);
        Transfer t = RamTransfers.RawLoopback(source, destination);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw-loopback {t.GuestBytes} {t.Elapsed.TotalMilliseconds:F0}"));
        return 0;
    }
}
