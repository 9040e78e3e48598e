using System.Diagnostics;

namespace VmState.Fuzz;

/// <summary>
/// Shrinks a failing input while it fails the same way (same outcome kind and exception type): first whole frames of
/// a stream are dropped, then ever smaller chunks of bytes, until nothing more can go or the time is up.
/// </summary>
internal static class Minimizer
{
    public static byte[] Run(string targetName, byte[] input, TimeSpan budget, TextWriter log)
    {
        using var oracle = new FuzzOracle(FuzzTarget.Create(targetName), TimeSpan.FromSeconds(10));
        FuzzOutcome first = oracle.Execute(input);
        if (!first.IsFailure)
        {
            throw new InvalidOperationException("the input does not fail: " + first.Kind);
        }

        static string Key(FuzzOutcome o) => o.Kind + " " + new string([.. o.Detail.Split(':')[0].Where(c => !char.IsAsciiDigit(c))]);
        string wanted = Key(first);
        bool Fails(byte[] candidate) => !oracle.Abandoned && Key(oracle.Execute(candidate)) == wanted;

        var clock = Stopwatch.StartNew();
        byte[] best = input;
        if (StreamFrames.LooksLikeStream(best))
        {
            bool progress = true;
            while (progress && clock.Elapsed < budget)
            {
                progress = false;
                List<Frame> frames = StreamFrames.Parse(best).Frames;
                for (int i = frames.Count - 1; i >= 1 && clock.Elapsed < budget; i--)
                {
                    Frame f = frames[i];
                    byte[] candidate = [.. best.AsSpan(0, f.Start), .. best.AsSpan(f.End)];
                    if (Fails(candidate))
                    {
                        best = candidate;
                        progress = true;
                        break;
                    }
                }
            }
        }

        for (int chunk = Math.Max(1, best.Length / 2); chunk >= 1 && clock.Elapsed < budget; chunk /= 2)
        {
            for (int at = best.Length - chunk; at >= 0 && clock.Elapsed < budget; at -= chunk)
            {
                byte[] candidate = [.. best.AsSpan(0, at), .. best.AsSpan(at + chunk)];
                if (Fails(candidate))
                {
                    best = candidate;
                    at = Math.Min(at, best.Length - chunk + 1);
                }
            }
        }

        log.WriteLine($"minimised {input.Length} to {best.Length} bytes in {clock.Elapsed.TotalSeconds:0.0} s: {wanted}");
        return best;
    }
}
