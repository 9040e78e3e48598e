using VmState.Fuzz;

namespace SampleMachine.Tests;

/// <summary>
/// Every input that ever failed the fuzz harness (<c>tests/VmState.Fuzz/regressions/NAME/</c>, minimised) and every
/// seed of its corpus (<c>corpus/NAME/</c>) replays through its target with the harness's oracle: only the target's
/// typed errors, done within the 1 s hang limit, and within the allocation bound (K × length + C).
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in new[] { "regressions", "corpus" })
        {
            foreach (string target in FuzzTarget.Names)
            {
                string dir = Repository.PathOf(Path.Combine("tests", "VmState.Fuzz", folder, target));
                foreach (string file in FuzzLoop.CorpusFiles(dir))
                {
                    data.Add(target, Path.GetRelativePath(Repository.RootPath, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void The_oracle_holds(string target, string file)
    {
        byte[] input = File.ReadAllBytes(Repository.PathOf(file));
        using var oracle = new FuzzOracle(FuzzTarget.Create(target), TimeSpan.FromSeconds(60));

        // The first run compiles the code it reaches (and shares two cores with the other tests); the second is held
        // to the harness's own hang limit.
        FuzzOutcome warm = oracle.Execute(input);
        Assert.False(warm.IsFailure, $"{warm.Kind}: {warm.Detail}");
        oracle.Timeout = TimeSpan.FromSeconds(1);
        FuzzOutcome outcome = oracle.Execute(input);
        Assert.False(outcome.IsFailure, $"{outcome.Kind}: {outcome.Detail}");
    }

    [Fact]
    public void Regressions_and_corpus_are_there()
    {
        Assert.Contains(Inputs(), row => ((string)row[1]).Contains("regressions", StringComparison.Ordinal));
        Assert.All(FuzzTarget.Names, t => Assert.Contains(Inputs(), row => (string)row[0] == t));
    }
}
