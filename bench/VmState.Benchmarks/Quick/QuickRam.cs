using System.Globalization;
using VmState.Benchmarks.Ram;

namespace VmState.Benchmarks.Quick;

/// <summary>
/// The RAM rows of the quick mode: for each fill, save and load through memory and a file and a migration over
/// loopback (one connection, and two multifd channels beside the raw copy over two connections), each run alternately with the raw copy of the same bytes through the same transport; the median of the
/// repetitions gives each row, and the ratio ours ÷ raw of guest bytes per second its <c>ratio ... raw</c> line.
/// </summary>
public static class QuickRam
{
    /// <summary>Runs the RAM rows and returns them.</summary>
    public static IReadOnlyList<QuickRow> Run(long guestBytes, int repetitions, string directory, string? filter, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var rows = new List<QuickRow>();
        var sink = new DiscardingWriter();
        string ours = Path.Combine(directory, "vmstate-bench.snapshot");
        string raw = Path.Combine(directory, "vmstate-bench.raw");
        try
        {
            foreach (RamFill fill in Enum.GetValues<RamFill>())
            {
                string name = fill switch { RamFill.Zero => "zero", RamFill.Random => "random", _ => "touched10" };
                string[] kinds = ["memory-save", "memory-load", "file-save", "file-load", "loopback-migrate", "loopback-multifd2-migrate"];
                if (filter is not null && !kinds.Any(k => $"ram-{name}-{k}".Contains(filter, StringComparison.Ordinal)))
                {
                    continue;
                }

                log.WriteLine($"RAM {Size(guestBytes)}, {name}: filling");
                using RamGuest source = RamGuest.Filled(guestBytes, fill, seed: 1);
                byte[] stream = filter is null || $"ram-{name}-memory-load".Contains(filter, StringComparison.Ordinal) ? RamTransfers.SaveToArray(source) : [];

                Add(rows, filter, $"ram-{name}-memory-save", repetitions, () => RamTransfers.SaveToMemory(source, sink), () => RamTransfers.RawToMemory(source, sink));
                Add(rows, filter, $"ram-{name}-memory-load", repetitions, () => Fresh(guestBytes, d => RamTransfers.LoadFromMemory(stream, d)), () => Fresh(guestBytes, d => RamTransfers.RawFromMemory(source, d)));
                Add(rows, filter, $"ram-{name}-file-save", repetitions, () => RamTransfers.SaveToFile(source, ours), () => RamTransfers.RawToFile(source, raw));
                Add(rows, filter, $"ram-{name}-file-load", repetitions, () => Fresh(guestBytes, d => RamTransfers.LoadFromFile(Saved(ours, () => RamTransfers.SaveToFile(source, ours)), d)), () => Fresh(guestBytes, d => RamTransfers.RawFromFile(Saved(raw, () => RamTransfers.RawToFile(source, raw)), d)));
                Add(rows, filter, $"ram-{name}-loopback-migrate", repetitions, () => Fresh(guestBytes, d => RamTransfers.MigrateLoopback(source, d)), () => Fresh(guestBytes, d => RamTransfers.RawLoopback(source, d)));

                // Two multifd channels beside the raw copy over two connections: the same transport.
                Add(rows, filter, $"ram-{name}-loopback-multifd2-migrate", repetitions, () => Fresh(guestBytes, d => RamTransfers.MigrateLoopbackMultifd(source, d, 2)), () => Fresh(guestBytes, d => RamTransfers.RawLoopbackParallel(source, d, 2)));
            }
        }
        finally
        {
            File.Delete(ours);
            File.Delete(raw);
        }

        return rows;
    }

    // A load row run alone (--filter) writes its file first.
    private static string Saved(string path, Func<Transfer> save)
    {
        if (!File.Exists(path))
        {
            save();
        }

        return path;
    }

    private static Transfer Fresh(long bytes, Func<RamGuest, Transfer> work)
    {
        using RamGuest destination = RamGuest.Empty(bytes);
        return work(destination);
    }

    // Ours and the raw copy alternate, so that a slow phase of the machine hits both.
    private static void Add(List<QuickRow> rows, string? filter, string name, int repetitions, Func<Transfer> ours, Func<Transfer> raw)
    {
        if (filter is not null && !name.Contains(filter, StringComparison.Ordinal))
        {
            return;
        }

        // One unmeasured round first: the figures are of compiled code in a warm process, not of the JIT's first tier.
        _ = ours();
        _ = raw();
        var mine = new List<Transfer>();
        var anchor = new List<Transfer>();
        for (int i = 0; i < repetitions; i++)
        {
            mine.Add(ours());
            anchor.Add(raw());
        }

        rows.Add(QuickRow.Throughput(name, mine, anchor));
    }

    private static string Size(long bytes) => bytes >= 1 << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 30):0.##} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MiB");
}
