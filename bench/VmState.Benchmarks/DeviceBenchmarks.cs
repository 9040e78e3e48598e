using BenchmarkDotNet.Attributes;
using VmState.Benchmarks.Quick;

namespace VmState.Benchmarks;

/// <summary>
/// The quick mode's device figures under BenchmarkDotNet's statistics: every operation of every device in its four
/// ways (generated, hand-written, interpreter, MemoryPack), each call through the same delegate so that the
/// indirection is equal for all.
/// </summary>
[MemoryDiagnoser]
public class DeviceBenchmarks
{
    private Func<int> _call = () => 0;

    /// <summary>Device and operation, as the quick mode names them.</summary>
    [Params("regfile-save", "regfile-load", "e1000-save", "e1000-load", "x86cpu-save", "x86cpu-load")]
    public string Operation { get; set; } = "";

    /// <summary>How the operation is done.</summary>
    [Params("generated", "handwritten", "interpreter", "memorypack")]
    public string Way { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_, IReadOnlyList<QuickDevices.Way> ways) = new DeviceCases().All().Single(c => c.Operation == Operation);
        _call = ways.Single(w => w.Name == Way).Call;
    }

    [Benchmark]
    public int Run() => _call();
}
