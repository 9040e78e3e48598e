using System.Globalization;

namespace VmState.Benchmarks.Quick;

/// <summary>
/// <c>--quick</c>: the suite's figures in a few minutes, without BenchmarkDotNet's statistics, each beside its anchor
/// measured in the same run. Prints a table, then one machine-readable line per figure:
/// <c>ratio NAME VALUE</c> and <c>alloc NAME BYTES</c>.
/// </summary>
public static class QuickMode
{
    /// <summary>Runs the quick mode; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        long ram = Option(args, "--ram-mib", 1024) << 20;
        int repetitions = (int)Option(args, "--repetitions", 3);
        string directory = OptionText(args, "--dir") ?? Path.GetTempPath();
        string? only = OptionText(args, "--only");

        var rows = new List<QuickRow>();
        var allocations = new List<(string Name, long Bytes)>();
        if (only is null or "devices")
        {
            foreach ((string operation, IReadOnlyList<QuickDevices.Way> ways) in new DeviceCases().All())
            {
                (IReadOnlyList<QuickRow> deviceRows, long allocated) = QuickDevices.Run(operation, ways, output);
                rows.AddRange(deviceRows);
                allocations.Add((operation, allocated));
            }
        }

        if (only is null or "ram")
        {
            rows.AddRange(QuickRam.Run(ram, repetitions, directory, OptionText(args, "--filter"), output));
        }

        Print(rows, allocations, output);
        return 0;
    }

    private static void Print(IReadOnlyList<QuickRow> rows, IReadOnlyList<(string Name, long Bytes)> allocations, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{"figure",-36} {"measured (runs)",-44} {"anchor (runs, same run)",-44} {"ratio",6}");
        foreach (QuickRow row in rows)
        {
            string ours = $"{row.OursName}: {QuickRow.Runs(row.Ours)} {row.Unit}";
            string anchor = $"{row.AnchorName}: {QuickRow.Runs(row.Anchor)} {row.Unit}";
            output.WriteLine($"{row.Name,-36} {ours,-44} {anchor,-44} {row.Ratio.ToString("0.00", CultureInfo.InvariantCulture),6}");
        }

        output.WriteLine();
        foreach (QuickRow row in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio {row.Name} {row.Ratio:0.000}"));
        }

        foreach ((string name, long bytes) in allocations)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alloc {name} {bytes}"));
        }
    }

    private static long Option(string[] args, string name, long fallback) =>
        OptionText(args, name) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
