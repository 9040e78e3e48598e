using VmState.Analysis;

namespace VmState.Fuzz;

/// <summary><see cref="MigrationStreamAnalyzer.Description"/> and <see cref="MigrationStreamAnalyzer.State"/>, with a RAM page sink.</summary>
internal sealed class AnalyzerTarget : FuzzTarget
{
    private long _pages;

    public override string Name => "analyzer";

    public override void Run(ReadOnlySpan<byte> input)
    {
        MigrationStreamAnalyzer.Description(input);
        MigrationStreamAnalyzer.State(input, (_, _, page) => _pages += page.Length, (_, _) => _pages++);
    }
}
