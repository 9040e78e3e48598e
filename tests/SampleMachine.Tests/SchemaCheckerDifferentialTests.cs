using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text;
using SampleMachine.Cli;
using VmState.Schema;

namespace SampleMachine.Tests;

/// <summary>
/// Our <see cref="SchemaChecker"/> against QEMU 7.2's own vmstate-static-checker.py on the same files: seeded
/// mutations of QEMU's pc dump and of ours, checked in both directions, must give the same stdout and exit code;
/// where the script crashes, ours must raise its typed error instead.
/// </summary>
public sealed class SchemaCheckerDifferentialTests
{
    private const int Variants = 40;

    [QemuScriptFact]
    public void Mutations_of_qemus_pc_dump_get_the_scripts_verdict_both_ways() =>
        CompareMutations(Fixtures.Text("pc.vmstate.json"), seed: 7200);

    [QemuScriptFact]
    public void Mutations_of_our_dump_get_the_scripts_verdict_both_ways() =>
        CompareMutations(DumpVmStateWriter.Write(CommandLine.MachineName, CommandLine.KnownDevices, new DumpVmStateOptions()), seed: 1000);

    [QemuScriptFact]
    public void The_scripts_quirks_are_reproduced_on_the_live_script()
    {
        (string, string)[] pairs =
        [
            // Section-level minimum version: an unfinished line that the next message continues.
            ("{'x': {'version_id': 1}, 'y': {'version_id': 1}}", "{'x': {'version_id': 1, 'minimum_version_id': 2}}"),
            ("{'x': {'version_id': 1}}", "{'x': {'version_id': 1, 'minimum_version_id': 2}}"),
            // A repeated key keeps its first place and its last value.
            ("{'x': {'version_id': 5}, 'y': {'version_id': 1}, 'x': {'version_id': 2}}", "{'x': {'version_id': 1}, 'y': {'version_id': 1}}"),
            // A dest section named "" stands in for missing ones; section renames work both ways.
            ("{'foo': {'version_id': 2}, 'ICH9-LPC': {'version_id': 3}}", "{'': {'version_id': 1}, 'ICH9 LPC': {'version_id': 1}}"),
            // Unused bytes that overrun.
            (
                "{'x': {'version_id': 1, 'Description': {'name': 'x', 'version_id': 1, 'Fields': [{'field': 'a', 'version_id': 0, 'size': 4}, {'field': 'b', 'version_id': 0, 'size': 4}]}}}",
                "{'x': {'version_id': 1, 'Description': {'name': 'x', 'version_id': 1, 'Fields': [{'field': 'unused', 'version_id': 0, 'size': 6}, {'field': 'z', 'version_id': 0, 'size': 1}]}}}"),
            // The script crashes on a description without a name; we raise our typed error.
            ("{'x': {'version_id': 1, 'Description': {'name': 'x', 'version_id': 1}}}", "{'x': {'version_id': 1, 'Description': {'version_id': 1}}}"),
        ];

        using var dir = new TempDir();
        var runs = new List<(string, string, string)>();
        for (int i = 0; i < pairs.Length; i++)
        {
            string src = Path.Combine(dir.Path, $"quirk{i}-src.json");
            string dest = Path.Combine(dir.Path, $"quirk{i}-dest.json");
            File.WriteAllText(src, pairs[i].Item1.Replace('\'', '"'));
            File.WriteAllText(dest, pairs[i].Item2.Replace('\'', '"'));
            runs.Add(($"quirk {i}", src, dest));
        }

        Outcome[] outcomes = Compare(runs);

        Assert.Equal(1, outcomes.Count(o => o.Crashed));
    }

    private static void CompareMutations(string original, int seed)
    {
        using var dir = new TempDir();
        string originalFile = Path.Combine(dir.Path, "original.json");
        File.WriteAllText(originalFile, original);

        var runs = new List<(string, string, string)>();
        for (int i = 0; i < Variants; i++)
        {
            var random = new Random(seed + i);
            JsonObject root = JsonNode.Parse(original)!.AsObject();
            List<string> applied = new DumpMutator(random).Mutate(root, 1 + random.Next(3));
            string mutant = Path.Combine(dir.Path, $"mutant{i}.json");
            File.WriteAllText(mutant, root.ToJsonString());
            string label = $"variant {i} (seed {seed + i}: {string.Join("; ", applied)})";
            runs.Add((label + " original->mutant", originalFile, mutant));
            runs.Add((label + " mutant->original", mutant, originalFile));
        }

        Outcome[] outcomes = Compare(runs);

        // The mutations must matter: most runs find something, many different rules fire, and some inputs make the
        // script crash (so that "it crashes exactly when we refuse" is tested too).
        Assert.True(outcomes.Count(o => o.ExitCode != 0) >= Variants / 2, "too few runs found an incompatibility");
        int kinds = outcomes.SelectMany(o => o.Kinds).Distinct().Count();
        Assert.True(kinds >= 8, $"only {kinds} kinds of message came up");
        Assert.Contains(outcomes, o => o.Crashed);
    }

    // Runs the script and our checker on every (label, src, dest); asserts they agree and returns our outcomes.
    private static Outcome[] Compare(List<(string Label, string Source, string Destination)> runs)
    {
        var mismatches = new ConcurrentBag<string>();
        var outcomes = new Outcome[runs.Count];
        Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            (string label, string source, string destination) = runs[i];
            (int rc, string output, string errors) = Script(source, destination);
            bool scriptCrashed = errors.Contains("Traceback", StringComparison.Ordinal);

            Outcome ours;
            try
            {
                SchemaCheckResult result = SchemaChecker.Check(DumpVmStateDocument.ReadFile(source), DumpVmStateDocument.ReadFile(destination));
                ours = new Outcome(result.ExitCode, result.Output, false, result.Messages.Select(m => m.Kind).ToArray());
            }
            catch (VmStateSchemaException e)
            {
                ours = new Outcome(-1, e.Message, true, []);
            }

            outcomes[i] = ours;
            if (scriptCrashed != ours.Crashed)
            {
                mismatches.Add($"{label}: script {(scriptCrashed ? "crashed: " + LastLine(errors) : "ran")}, ours {(ours.Crashed ? "raised: " + ours.Output : "ran")}");
            }
            else if (!scriptCrashed && (rc != ours.ExitCode || output != ours.Output))
            {
                mismatches.Add($"{label}:\n  script (exit {rc}):\n{output}\n  ours (exit {ours.ExitCode}):\n{ours.Output}");
            }
            else if (!scriptCrashed && errors.Length > 0)
            {
                mismatches.Add($"{label}: script wrote to stderr: {errors}");
            }
        });

        Assert.True(mismatches.IsEmpty, string.Join("\n\n", mismatches));
        return outcomes;
    }

    private static (int ExitCode, string Output, string Errors) Script(string source, string destination)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(QemuEnvironment.ScriptsPath, "vmstate-static-checker.py"));
        start.ArgumentList.Add("-s");
        start.ArgumentList.Add(source);
        start.ArgumentList.Add("-d");
        start.ArgumentList.Add(destination);
        start.Environment["PYTHONIOENCODING"] = "utf-8";

        using Process p = Process.Start(start)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("vmstate-static-checker.py did not finish");
        }

        return (p.ExitCode, output.Result, errors.Result);
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1];

    private sealed record Outcome(int ExitCode, string Output, bool Crashed, SchemaCheckMessageKind[] Kinds);

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("vmstate-checker-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
