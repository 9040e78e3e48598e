using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace VmState.Fuzz;

/// <summary>What one target's run did.</summary>
internal sealed record FuzzRunResult(string Target, long Execs, double Seconds, int Failures, int PoolSize, bool Hung)
{
    /// <summary>The largest allocation of one input, and that input's length.</summary>
    public (long Bytes, int Length) MaxAllocation { get; init; }
}

/// <summary>
/// The in-process mutational loop: every corpus input once (with a generous time limit, as the first calls JIT the
/// code), then until the time is up, a pool input mutated by <see cref="StructureMutator"/> and run through the
/// <see cref="FuzzOracle"/>. The pool starts as the corpus and keeps each input whose outcome (accepted, or the
/// typed error's reason without its numbers) is new: a cheap stand-in for coverage that drives inputs deeper.
/// Deterministic for a seed except for where the time runs out. Each failing input is saved to the findings folder
/// (one per distinct failure); a hang ends the run.
/// </summary>
internal static class FuzzLoop
{
    private const int MaxPool = 4000;

    public static FuzzRunResult Run(string targetName, TimeSpan duration, int seed, string corpusDir, string findingsDir, TimeSpan timeout, TextWriter log)
    {
        FuzzTarget target = FuzzTarget.Create(targetName);
        List<byte[]> pool = [.. ReadCorpus(corpusDir)];
        if (pool.Count == 0)
        {
            pool.Add([]);
        }

        var random = new Random(seed);
        var mutator = new StructureMutator(random);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        int failures = 0;
        long execs = 0;
        var clock = Stopwatch.StartNew();
        using var oracle = new FuzzOracle(target, TimeSpan.FromSeconds(Math.Max(10, timeout.TotalSeconds)));
        int seeds = pool.Count;
        for (int i = 0; i < seeds && !oracle.Abandoned; i++)
        {
            FuzzOutcome outcome = oracle.Execute(pool[i]);
            execs++;
            seen.Add(outcome.Signature);
            if (outcome.IsFailure && failed.Add(outcome.Signature))
            {
                failures++;
                Save(findingsDir, pool[i], outcome, log);
            }
        }

        oracle.Timeout = timeout;
        (long Bytes, int Length) max = (0, 0);
        while (clock.Elapsed < duration && !oracle.Abandoned)
        {
            // Seeds half of the time, so the pool's late finds do not crowd out the real inputs.
            byte[] parent = random.Next(2) == 0 ? pool[random.Next(seeds)] : pool[random.Next(pool.Count)];
            byte[] input = mutator.Mutate(parent, pool);
            FuzzOutcome outcome = oracle.Execute(input);
            execs++;
            if (outcome.AllocatedBytes > max.Bytes)
            {
                max = (outcome.AllocatedBytes, input.Length);
            }

            if (outcome.IsFailure)
            {
                if (failed.Add(outcome.Signature))
                {
                    failures++;
                    Save(findingsDir, input, outcome, log);
                }

                continue;
            }

            if (seen.Add(outcome.Signature) && pool.Count < MaxPool)
            {
                pool.Add(input);
            }
        }

        return new FuzzRunResult(targetName, execs, clock.Elapsed.TotalSeconds, failures, pool.Count, oracle.Abandoned) { MaxAllocation = max };
    }

    /// <summary>Runs every file of <paramref name="dir"/> once; returns the failures (file, outcome).</summary>
    public static List<(string File, FuzzOutcome Outcome)> Replay(string targetName, string dir, TimeSpan timeout)
    {
        var failures = new List<(string, FuzzOutcome)>();
        FuzzTarget target = FuzzTarget.Create(targetName);
        var oracle = new FuzzOracle(target, timeout);
        try
        {
            foreach (string file in CorpusFiles(dir))
            {
                FuzzOutcome outcome = oracle.Execute(File.ReadAllBytes(file));
                if (outcome.IsFailure)
                {
                    failures.Add((file, outcome));
                }

                if (oracle.Abandoned)
                {
                    break;
                }
            }
        }
        finally
        {
            oracle.Dispose();
        }

        return failures;
    }

    /// <summary>The input files of a corpus or regressions folder, in name order (notes ending in .txt are not inputs); a file is itself.</summary>
    public static IEnumerable<string> CorpusFiles(string dir) =>
        File.Exists(dir) ? [dir]
        : Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [];

    private static IEnumerable<byte[]> ReadCorpus(string dir) => CorpusFiles(dir).Select(File.ReadAllBytes);

    private static void Save(string findingsDir, byte[] input, FuzzOutcome outcome, TextWriter log)
    {
        Directory.CreateDirectory(findingsDir);
        string hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
        string path = Path.Combine(findingsDir, outcome.Kind.ToString().ToLowerInvariant() + "-" + hash);
        File.WriteAllBytes(path, input);
        File.WriteAllText(path + ".txt", outcome.Kind + " " + outcome.Detail + Environment.NewLine);
        string first = outcome.Detail.Split('\n')[0];
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"finding: {outcome.Kind} ({input.Length} bytes) saved to {path}: {first}"));
    }
}
