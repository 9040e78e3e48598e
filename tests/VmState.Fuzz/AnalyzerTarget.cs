using VmState.Analysis;

namespace VmState.Fuzz;

/// <summary><see cref="MigrationStreamAnalyzer.Description"/> and <see cref="MigrationStreamAnalyzer.State"/>, with a RAM page sink.</summary>
internal sealed class AnalyzerTarget : FuzzTarget
{
    private long _pages;

    public override string Name => "analyzer";

    // Its result is a tree with a node per decoded value, down to each byte of a uint8 array (as the script prints
    // them), about 130 bytes per input byte at most in the runs; K = 512 leaves room and still catches a blow-up.
    public override long AllocationPerInputByte => 512;

    public override void Run(ReadOnlySpan<byte> input)
    {
        MigrationStreamAnalyzer.Description(input);
        MigrationStreamAnalyzer.State(input, (_, _, page) => _pages += page.Length, (_, _) => _pages++);
    }
}
