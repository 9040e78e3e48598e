using System.Globalization;

namespace VmState.Benchmarks.Ram;

/// <summary>
/// <c>--raw-loopback [BYTES] [--connections N]</c>: the anchor of the live-migration comparison
/// (bench/scripts/live-migration-vs-qemu.py): a prefaulted buffer of random bytes sent as it is over loopback TCP
/// into another prefaulted buffer, in 1 MiB writes; with N connections, each carries one Nth, in parallel (the limit
/// of N multifd channels). Prints <c>raw-loopback BYTES MILLISECONDS</c>.
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
        int c = Array.IndexOf(args, "--connections");
        int connections = c >= 0 && c + 1 < args.Length ? int.Parse(args[c + 1], CultureInfo.InvariantCulture) : 1;
        using RamGuest source = RamGuest.Filled(bytes, RamFill.Random, seed: 1);
        using RamGuest destination = RamGuest.Empty(bytes);
        TimeSpan elapsed = connections == 1 ? RamTransfers.RawLoopback(source, destination).Elapsed : RamTransfers.RawLoopbackParallel(source, destination, connections).Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw-loopback {bytes} {elapsed.TotalMilliseconds:F0}"));
        return 0;
    }
}
