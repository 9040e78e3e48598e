using VmState.Wire;

namespace VmState.Fuzz;

/// <summary>
/// One fuzz target: a public API that takes untrusted bytes. <see cref="Run"/> may throw only the API's documented
/// typed errors (<see cref="IsTypedError"/>); anything else, a hang or an allocation past the bound is a finding.
/// An instance keeps its own state (a machine to load into) and is used by one thread at a time.
/// </summary>
internal abstract class FuzzTarget : IDisposable
{
    /// <summary>The name used on the command line and for the corpus, findings and regressions folders.</summary>
    public abstract string Name { get; }

    /// <summary>Work done before each input that is not measured (a fresh machine, a snapshot to roll back to).</summary>
    public virtual void Prepare()
    {
    }

    /// <summary>Runs one input.</summary>
    public abstract void Run(ReadOnlySpan<byte> input);

    /// <summary>K of the allocation bound: managed bytes the target may allocate per input byte.</summary>
    public virtual long AllocationPerInputByte => FuzzOracle.BytesPerInputByte;

    /// <summary>True for the errors the API documents for bad input.</summary>
    public virtual bool IsTypedError(Exception error) => error is VmStateException;

    /// <summary>Frees what <see cref="Prepare"/> made (guest RAM).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what <see cref="Prepare"/> made.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Every target, by name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["loader", "analyzer", "skipper", "check-json", "devices"];

    /// <summary>A new instance of the target called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No target has that name.</exception>
    public static FuzzTarget Create(string name) => name switch
    {
        "loader" => new LoaderTarget(),
        "analyzer" => new AnalyzerTarget(),
        "skipper" => new SkipperTarget(),
        "check-json" => new CheckJsonTarget(),
        "devices" => new DevicesTarget(),
        _ => throw new ArgumentException($"unknown target '{name}' (targets: {string.Join(", ", Names)})", nameof(name)),
    };
}

/// <summary>A property the target promises beyond its error types was broken (e.g. a failed load changed state).</summary>
internal sealed class FuzzOracleException(string message) : Exception(message);
