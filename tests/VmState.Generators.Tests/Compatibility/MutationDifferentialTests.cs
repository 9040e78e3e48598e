using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using VmState.Generators.Compatibility;
using VmState.Generators.Tests.Compatibility.Mutations;
using VmState.Generators.Tests.TestSupport;
using VmState.Schema;
using Xunit.Abstractions;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>
/// The compatibility analyzer against QEMU's checker rules (<see cref="SchemaChecker"/>, what the sample machine's
/// <c>check</c> runs), on seeded mutations of the sample machine's devices (<see cref="MutationCatalog"/>). Each
/// mutation is built in memory with the generator and the analyzer against the baselines the machine's project
/// lists; the built assembly is loaded and its <c>-dump-vmstate</c> checked against the shipped one. The build must
/// fail wherever the checker reports an error (a rename only warns, VMS0108), and on the breaks the checker cannot
/// see; it must pass on the safe evolutions, which the checker must pass too.
/// </summary>
public sealed class MutationDifferentialTests(ITestOutputHelper output)
{
    private const string QemuMachine = "pc-i440fx-7.2";

    // Disagreements this test found in rules the analyzer has (VMS0101-VMS0106), left to the analyzer's owner. Each
    // must still disagree, so a fix is noticed: then delete its line here. Keyed by mutation name.
    // Mutations the analyzer is known to get wrong, with why; each must keep disagreeing until it is fixed, then
    // its line goes. None today: padding of a removed field's size, new fields in nested structs and WITH_TMP
    // descriptions were the last.
    private static readonly Dictionary<string, string> KnownGaps = new(StringComparer.Ordinal);

    [Fact]
    public void The_build_fails_on_every_break_check_reports_or_cannot_see_and_passes_on_safe_evolutions()
    {
        SampleDevicesBuild build = SampleDevicesBuild.FromRepository();
        List<DeviceMutation> mutations = MutationCatalog.Create(new DeviceSources(build.Files));
        Assert.True(mutations.Count >= 50, $"only {mutations.Count} mutations");
        Assert.Equal(mutations.Count, mutations.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count());
        string shipped = File.ReadAllText(Repository.PathOf("src/VmState.Qemu/vmstate/shipped.json"));
        string qemuPc = File.ReadAllText(Repository.PathOf("tests/Fixtures/qemu-7.2/pc.vmstate.json"));
        var context = new Context(build, shipped, qemuPc);

        // The unedited devices build clean and dump exactly the shipped schema: every difference below is the mutation's.
        SampleDevicesBuildResult unedited = context.Build(ImmutableDictionary<string, string>.Empty, context.Baselines);
        Assert.False(unedited.Fails, Describe(unedited));
        Assert.Empty(unedited.Analyzer);
        Assert.Equal(shipped, unedited.Dumps[SampleDevicesBuild.MachineName]);

        string[] stale = [.. KnownGaps.Keys.Where(k => !mutations.Any(m => m.Name == k))];
        Assert.True(stale.Length == 0, "KnownGaps names mutations the catalog no longer makes: " + string.Join("; ", stale));

        var outcomes = new Outcome[mutations.Count];
        Parallel.For(0, mutations.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => outcomes[i] = Evaluate(context, mutations[i]));

        ImmutableHashSet<string> supported = [.. new VmStateCompatibilityAnalyzer().SupportedDiagnostics.Select(d => d.Id)];
        var failures = new List<string>();
        var pending = new List<string>();
        var table = new StringBuilder();
        foreach (Outcome o in outcomes)
        {
            string? problem = Disagreement(o);
            // A mutation that does not build is a fault of the catalog, never a pending rule.
            bool isPending = o.BuildProblem is null && o.Mutation.Rule is { } rule && !supported.Contains(rule);
            bool isGap = KnownGaps.ContainsKey(o.Mutation.Name);
            string verdict = problem is null ? "agrees" : isPending ? "pending " + o.Mutation.Rule : isGap ? "known gap" : "DISAGREES";
            table.AppendLine(CultureInfo.InvariantCulture, $"{verdict,-16} {o.Mutation.Expect,-12} {o.Mutation.Name}  [check: {o.CheckerSummary}; build: {o.AnalyzerSummary}]");
            if (problem is not null && isPending)
            {
                pending.Add(o.Mutation.Name + ": " + problem);
            }
            else if (problem is not null && !isGap)
            {
                failures.Add(Report(o, problem));
            }
            else if (problem is null && isGap)
            {
                failures.Add($"{o.Mutation.Name}: listed in KnownGaps ({KnownGaps[o.Mutation.Name]}) but now agrees; remove it from the list");
            }
        }

        int agreeing = outcomes.Count(o => Disagreement(o) is null);
        output.WriteLine($"{mutations.Count} mutations, {agreeing} agree; check reports {outcomes.Count(o => o.CheckerErrors.Count > 0)}, " +
            $"{outcomes.Count(o => o.Mutation.Expect == Expectation.HiddenBreak)} breaks are hidden from it, {outcomes.Count(o => o.Mutation.Expect == Expectation.Safe)} are safe; " +
            $"{pending.Count} wait for a rule not yet in the analyzer");
        output.WriteLine(table.ToString());
        Assert.True(failures.Count == 0, $"{failures.Count} of {mutations.Count} mutations disagree:\n\n" + string.Join("\n\n", failures));

        // The catalog covers what the issue lists: every kind, breaks check sees and breaks it cannot, safe evolutions.
        Assert.Equal(Enum.GetValues<MutationKind>().Length, mutations.Select(m => m.Kind).Distinct().Count());
        foreach (Expectation e in Enum.GetValues<Expectation>())
        {
            Assert.Contains(mutations, m => m.Expect == e);
        }
    }

    private static Outcome Evaluate(Context context, DeviceMutation mutation)
    {
        IReadOnlyList<AdditionalText> baselines = context.Baselines;
        string shipped = context.Shipped;
        if (!mutation.Shipped.IsEmpty)
        {
            // The release that shipped is made first; its own dump is the baseline.
            SampleDevicesBuildResult release = context.Build(context.Sources.Apply(mutation.Shipped), baselines);
            if (!release.BuildsApartFromAnalyzer || !release.Dumps.TryGetValue(SampleDevicesBuild.MachineName, out string? dump))
            {
                return new Outcome(mutation, release, [], [], "the shipped release does not build: " + Describe(release));
            }

            shipped = dump;
            baselines = [SampleDevicesBuild.Baseline("shipped.json", dump), context.Baselines[1]];
        }

        SampleDevicesBuildResult result = context.Build(context.Sources.Apply(mutation.Edits), baselines);
        if (!result.BuildsApartFromAnalyzer)
        {
            return new Outcome(mutation, result, [], [], "the mutant does not build apart from the analyzer: " + Describe(result));
        }

        // check OLD NEW, as the sample machine's command runs it: against the shipped dump, and the e1000 against QEMU 7.2's.
        var errors = new List<string>();
        errors.AddRange(Errors(SchemaChecker.Check(shipped, result.Dumps[SampleDevicesBuild.MachineName])));
        errors.AddRange(Errors(SchemaChecker.Check(context.QemuE1000, result.Dumps[QemuMachine])).Select(e => "qemu-7.2: " + e));

        // check --former-names: the renames the mutant's descriptions record are forgiven.
        SchemaFieldRenames renames = SchemaFieldRenames.FromDescriptions(result.Descriptions);
        var forgiven = new List<string>();
        forgiven.AddRange(Errors(SchemaChecker.Check(Parse(shipped), Parse(result.Dumps[SampleDevicesBuild.MachineName]), renames)));
        forgiven.AddRange(Errors(SchemaChecker.Check(Parse(context.QemuE1000), Parse(result.Dumps[QemuMachine]), renames)).Select(e => "qemu-7.2: " + e));
        return new Outcome(mutation, result, errors, forgiven, null);
    }

    private static DumpVmStateDocument Parse(string json) => DumpVmStateDocument.Parse(json, "dump");

    private static IEnumerable<string> Errors(SchemaCheckResult r) =>
        r.Messages.Where(m => m.Severity == SchemaCheckSeverity.Error).Select(m => m.Text);

    // What is wrong with one outcome, or null when the build and the checker say what the mutation is.
    private static string? Disagreement(Outcome o)
    {
        if (o.BuildProblem is not null)
        {
            return o.BuildProblem;
        }

        bool checkerError = o.CheckerErrors.Count > 0;
        ImmutableArray<Diagnostic> errors = [.. o.Result.Analyzer.Where(d => d.Severity == DiagnosticSeverity.Error)];
        bool analyzerError = !errors.IsEmpty;
        string? rule = o.Mutation.Rule;
        switch (o.Mutation.Expect)
        {
            case Expectation.VisibleBreak when !checkerError:
                return "check reports no error: the catalog calls it a break check sees";
            case Expectation.HiddenBreak when checkerError:
                return "check reports it: the catalog calls it a break check cannot see";
            case Expectation.VisibleBreak or Expectation.HiddenBreak when !analyzerError:
                return "the build passes on a break";
            case Expectation.VisibleBreak or Expectation.HiddenBreak when rule is not null && !errors.Any(d => d.Id == rule):
                return $"the build fails, but not with {rule}";
            case Expectation.Rename when !checkerError:
                return "check reports no error: the catalog calls it a rename check reports";
            case Expectation.Rename when analyzerError:
                return "the build fails on a rename (it should warn, VMS0108)";
            case Expectation.Rename when !o.Result.Analyzer.Any(d => d.Id == "VMS0108" && d.Severity == DiagnosticSeverity.Warning):
                return "the build does not warn VMS0108 on a rename";
            case Expectation.RecordedRename when !checkerError:
                return "check reports no error: the catalog calls it a rename check reports unless told";
            case Expectation.RecordedRename when o.CheckerErrorsWithRenames.Count > 0:
                return "check --former-names still reports it: " + o.CheckerErrorsWithRenames[0];
            case Expectation.RecordedRename when !o.Result.Analyzer.IsEmpty:
                return "the build reports a recorded rename";
            case Expectation.Safe when checkerError:
                return "check reports an error on a safe evolution";
            case Expectation.Safe when analyzerError:
                return "the build fails on a safe evolution";
            default:
                return null;
        }
    }

    private static string Report(Outcome o, string problem) =>
        $"{o.Mutation.Name} ({o.Mutation.Kind}, {o.Mutation.Expect}{(o.Mutation.Rule is { } r ? ", expects " + r : "")}): {problem}\n" +
        $"  check: {o.CheckerSummary}\n  build: {o.AnalyzerDetail}";

    private static string Describe(SampleDevicesBuildResult r) =>
        TestCompilation.Describe([.. r.GeneratorErrors, .. r.CompileErrors.Take(5), .. r.Analyzer.Where(d => d.Severity == DiagnosticSeverity.Error)]);

    /// <summary>What stays the same for every mutation: the parsed sources, the baselines, QEMU's e1000.</summary>
    private sealed class Context
    {
        public Context(SampleDevicesBuild build, string shipped, string qemuPc)
        {
            Build0 = build;
            Sources = new DeviceSources(build.Files);
            Shipped = shipped;
            Baselines = [SampleDevicesBuild.Baseline("shipped.json", shipped), SampleDevicesBuild.Baseline("pc.vmstate.json", qemuPc)];

            // QEMU's pc dump lists every pc device; the machine compares the sections it has (only the e1000: QEMU 7.2
            // dumps no CPU), as BaselineTests does.
            JsonObject qemu = JsonNode.Parse(qemuPc)!.AsObject();
            foreach (string name in qemu.Select(kv => kv.Key).Where(k => k is not ("vmschkmachine" or "e1000")).ToList())
            {
                qemu.Remove(name);
            }

            QemuE1000 = qemu.ToJsonString();
        }

        public SampleDevicesBuild Build0 { get; }

        public DeviceSources Sources { get; }

        public string Shipped { get; }

        // One list for every build, so each unedited part is analyzed against it once.
        public AdditionalText[] Baselines { get; }

        public string QemuE1000 { get; }

        public SampleDevicesBuildResult Build(IReadOnlyDictionary<string, string> edited, IReadOnlyList<AdditionalText> baselines) =>
            Build0.Build(edited, baselines, new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [SampleDevicesBuild.MachineName] = SampleDevicesBuild.DumpedTypes,
                [QemuMachine] = [SampleDevicesBuild.DumpedTypes[0]],
            });
    }

    private sealed record Outcome(
        DeviceMutation Mutation,
        SampleDevicesBuildResult Result,
        IReadOnlyList<string> CheckerErrors,
        IReadOnlyList<string> CheckerErrorsWithRenames,
        string? BuildProblem)
    {
        public string CheckerSummary => BuildProblem is not null ? "not run" : CheckerErrors.Count == 0 ? "no error" : $"{CheckerErrors.Count} error(s), {CheckerErrors[0]}";

        public string AnalyzerSummary => Result.Analyzer.IsEmpty ? "no diagnostic"
            : string.Join(", ", Result.Analyzer.GroupBy(d => (d.Id, d.Severity)).Select(g => $"{g.Key.Id} {(g.Key.Severity == DiagnosticSeverity.Error ? "error" : "warning")}{(g.Count() > 1 ? " x" + g.Count() : "")}"));

        public string AnalyzerDetail => Result.Analyzer.IsEmpty ? "no diagnostic"
            : string.Join("\n         ", Result.Analyzer.Select(d => d.ToString()));
    }
}
