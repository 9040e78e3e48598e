using System.Diagnostics;

namespace VmState.Benchmarks.Quick;

/// <summary>
/// The device rows of the quick mode: each way of saving and loading one device, timed in interleaved rounds so that a
/// slow moment of the machine hits them all, with the bytes the generated code allocates per call.
/// </summary>
public static class QuickDevices
{
    private const int Rounds = 7;
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(15);

    /// <summary>One way of doing an operation: its name (generated, handwritten, interpreter, memorypack) and the call.</summary>
    public sealed record Way(string Name, Func<int> Call);

    /// <summary>Times the ways of one operation of one device; returns the ratio rows and the generated code's allocation.</summary>
    public static (IReadOnlyList<QuickRow> Rows, long AllocatedPerCall) Run(string operation, IReadOnlyList<Way> ways, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(ways);
        ArgumentNullException.ThrowIfNull(log);
        Way generated = ways.Single(w => w.Name == "generated");
        Warm(ways);
        long[] iterations = [.. ways.Select(Calibrate)];
        var nanoseconds = ways.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < Rounds; round++)
        {
            for (int i = 0; i < ways.Count; i++)
            {
                nanoseconds[i].Add(Time(ways[i].Call, iterations[i]));
            }
        }

        long allocated = AllocatedPerCall(generated.Call);
        log.WriteLine($"{operation}: " + string.Join(", ", ways.Select((w, i) => $"{w.Name} {QuickRow.Median(nanoseconds[i]):0.0} ns")));
        List<double> mine = nanoseconds[ways.ToList().IndexOf(generated)];
        var rows = new List<QuickRow>();
        for (int i = 0; i < ways.Count; i++)
        {
            Way way = ways[i];
            if (way == generated)
            {
                continue;
            }

            // Hand-written is the limit: generated ÷ hand-written. The others are peers: their time ÷ generated.
            rows.Add(way.Name == "handwritten"
                ? new QuickRow($"{operation}-handwritten", "ns", mine, nanoseconds[i], "hand-written", HigherIsBetter: false)
                : new QuickRow($"{operation}-{way.Name}", "ns", nanoseconds[i], mine, "generated", HigherIsBetter: false) { OursName = way.Name });
        }

        return (rows, allocated);
    }

    // Enough calls that each method has reached its optimised tier (call counting, then the background compile).
    private static void Warm(IReadOnlyList<Way> ways)
    {
        for (int pass = 0; pass < 3; pass++)
        {
            foreach (Way way in ways)
            {
                var clock = Stopwatch.StartNew();
                while (clock.ElapsedMilliseconds < 60)
                {
                    for (int i = 0; i < 64; i++)
                    {
                        way.Call();
                    }
                }
            }

            Thread.Sleep(150);
        }
    }

    private static long Calibrate(Way way)
    {
        long n = 16;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < n; i++)
            {
                way.Call();
            }

            if (Stopwatch.GetElapsedTime(start) >= Sample / 4)
            {
                return Math.Max(1, (long)(n * (Sample / Stopwatch.GetElapsedTime(start))));
            }

            n *= 4;
        }
    }

    private static double Time(Func<int> call, long iterations)
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < iterations; i++)
        {
            call();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / iterations;
    }

    /// <summary>Bytes allocated per call on this thread, over many calls (deterministic: the GC counts them exactly).</summary>
    public static long AllocatedPerCall(Func<int> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        const int Calls = 1000;
        call();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
    }
}
