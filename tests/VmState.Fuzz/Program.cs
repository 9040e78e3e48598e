using System.Globalization;
using VmState.Fuzz;

return FuzzCommand.Run(args, Console.Out, Console.Error);

namespace VmState.Fuzz
{
    /// <summary>
    /// The command line:
    /// <c>--target NAME --seconds N [--seed S] [--corpus DIR]</c> fuzzes one target in process;
    /// <c>--all --seconds N</c> each target in turn; <c>--replay DIR [--target NAME]</c> runs every file once;
    /// <c>--afl NAME</c> is the entry point under afl-fuzz (SharpFuzz); <c>--make-corpus</c> rewrites the seeds;
    /// <c>--minimize FILE --target NAME</c> shrinks a failing input into <c>regressions/NAME/</c>.
    /// Exit codes: 0 no failure, 1 usage, 2 a failure (saved under <c>findings/NAME/</c>).
    /// </summary>
    internal static class FuzzCommand
    {
        public static int Run(string[] args, TextWriter output, TextWriter error)
        {
            Options options;
            try
            {
                options = Options.Parse(args);
            }
            catch (FormatException e)
            {
                error.WriteLine("error: " + e.Message);
                error.WriteLine("usage: --target NAME --seconds N [--seed S] [--corpus DIR] [--timeout-ms MS] | --all --seconds N [--seed S] | --replay DIR [--target NAME] | --afl NAME | --make-corpus | --minimize FILE --target NAME [--seconds N]");
                return 1;
            }

            string root = Paths.Root;
            if (options.MakeCorpus)
            {
                CorpusBuilder.Write(root, Paths.Corpus(""), output);
                return 0;
            }

            if (options.Afl is { } afl)
            {
                AflEntry.Run(afl);
                return 0;
            }

            if (options.Minimize is { } file)
            {
                string name = options.Target ?? throw new InvalidOperationException();
                byte[] small = Minimizer.Run(name, File.ReadAllBytes(file), TimeSpan.FromSeconds(options.Seconds), output);
                string target = Paths.Regressions(name);
                Directory.CreateDirectory(target);
                string path = Path.Combine(target, Path.GetFileName(file));
                File.WriteAllBytes(path, small);
                output.WriteLine("saved " + path);
                return 0;
            }

            if (options.Replay is { } replay)
            {
                return Replay(replay, options.Target, output);
            }

            IEnumerable<string> targets = options.All ? FuzzTarget.Names : [options.Target!];
            int seed = options.Seed ?? Environment.TickCount;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fuzz seed {seed}"));
            bool failed = false;
            foreach (string target in targets)
            {
                string corpus = options.All || options.Corpus is null ? Paths.Corpus(target) : options.Corpus;
                FuzzRunResult result = FuzzLoop.Run(target, TimeSpan.FromSeconds(options.Seconds), seed, corpus, Paths.Findings(target), options.Timeout, output);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  most allocated by one input: {result.MaxAllocation.Bytes} bytes ({result.MaxAllocation.Length}-byte input; bound {FuzzOracle.AllocationBound(FuzzTarget.Create(result.Target), result.MaxAllocation.Length)})"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target {result.Target}: {result.Execs} execs in {result.Seconds:0.0} s, {result.Failures} failures"));
                failed |= result.Failures > 0;
                if (result.Hung)
                {
                    // The hung input still runs on its worker thread: stop here rather than share the cores with it.
                    output.WriteLine("stopped after a hang");
                    break;
                }
            }

            return failed ? 2 : 0;
        }

        private static int Replay(string dir, string? target, TextWriter output)
        {
            // A folder of target folders (regressions/, corpus/), or one target's folder.
            List<(string Target, string Dir)> runs = target is not null ? [(target, dir)]
                : FuzzTarget.Names.Contains(Path.GetFileName(Path.TrimEndingDirectorySeparator(dir))) ? [(Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)), dir)]
                : [.. FuzzTarget.Names.Select(t => (t, Path.Combine(dir, t))).Where(r => Directory.Exists(r.Item2))];
            int failures = 0;
            foreach ((string name, string folder) in runs)
            {
                int files = FuzzLoop.CorpusFiles(folder).Count();
                List<(string File, FuzzOutcome Outcome)> failed = FuzzLoop.Replay(name, folder, TimeSpan.FromSeconds(10));
                foreach ((string file, FuzzOutcome outcome) in failed)
                {
                    output.WriteLine($"FAIL {file}: {outcome.Kind} {outcome.Detail.Split('\n')[0]}");
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replay {name}: {files} files, {failed.Count} failures"));
                failures += failed.Count;
            }

            return failures > 0 ? 2 : 0;
        }

        private sealed record Options
        {
            public string? Target { get; init; }

            public bool All { get; init; }

            public double Seconds { get; init; } = 10;

            public int? Seed { get; init; }

            public string? Corpus { get; init; }

            public string? Replay { get; init; }

            public string? Afl { get; init; }

            public bool MakeCorpus { get; init; }

            public string? Minimize { get; init; }

            public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

            public static Options Parse(string[] args)
            {
                var o = new Options();
                for (int i = 0; i < args.Length; i++)
                {
                    string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException(args[i] + " needs a value");
                    o = args[i] switch
                    {
                        "--target" => o with { Target = Value() },
                        "--all" => o with { All = true },
                        "--seconds" => o with { Seconds = Number(Value(), "--seconds") },
                        "--seed" => o with { Seed = (int)Number(Value(), "--seed") },
                        "--corpus" => o with { Corpus = Value() },
                        "--replay" => o with { Replay = Value() },
                        "--afl" => o with { Afl = Value() },
                        "--make-corpus" => o with { MakeCorpus = true },
                        "--minimize" => o with { Minimize = Value() },
                        "--timeout-ms" => o with { Timeout = TimeSpan.FromMilliseconds(Number(Value(), "--timeout-ms")) },
                        _ => throw new FormatException("unknown option " + args[i]),
                    };
                }

                string? target = o.Target ?? o.Afl;
                if (target is not null && !FuzzTarget.Names.Contains(target))
                {
                    throw new FormatException($"unknown target '{target}' (targets: {string.Join(", ", FuzzTarget.Names)})");
                }

                if (o.Minimize is not null && o.Target is null)
                {
                    throw new FormatException("--minimize FILE needs --target NAME");
                }

                if (!o.All && o.Target is null && o.Replay is null && o.Afl is null && !o.MakeCorpus)
                {
                    throw new FormatException("give --target NAME, --all, --replay DIR, --afl NAME or --make-corpus");
                }

                return o;
            }

            private static double Number(string text, string option) =>
                double.TryParse(text, NumberStyles.Float | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out double v) && v >= 0 && v <= int.MaxValue
                    ? v
                    : throw new FormatException($"{option}: '{text}' is not a number from 0 to {int.MaxValue}");
        }
    }

    /// <summary>The harness's folders in the source tree (found above the working folder or the program).</summary>
    internal static class Paths
    {
        private static readonly Lazy<string> RootPath = new(() =>
        {
            foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "VmState.sln")))
                    {
                        return dir.FullName;
                    }
                }
            }

            throw new DirectoryNotFoundException("VmState.sln not found above " + Environment.CurrentDirectory);
        });

        public static string Root => RootPath.Value;

        public static string Harness => Path.Combine(Root, "tests", "VmState.Fuzz");

        public static string Corpus(string target) => Path.Combine(Harness, "corpus", target);

        public static string Findings(string target) => Path.Combine(Harness, "findings", target);

        public static string Regressions(string target) => Path.Combine(Harness, "regressions", target);
    }
}
