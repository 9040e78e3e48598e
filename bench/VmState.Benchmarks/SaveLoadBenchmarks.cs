using System.Buffers;
using BenchmarkDotNet.Attributes;
using MemoryPack;
using VmState.Description;
using VmState.Qemu.E1000;
using VmState.Wire;

namespace VmState.Benchmarks;

/// <summary>Generated save/load against hand-written code and MemoryPack, for a register file and the e1000.</summary>
[MemoryDiagnoser]
public class SaveLoadBenchmarks
{
    private readonly RegisterFile _dev = new();
    private readonly E1000Nic _nic = new();
    private readonly byte[] _buffer = new byte[256 * 1024];
    private readonly ArrayBufferWriter<byte> _packOutput = new(128 * 1024);
    private byte[] _saved = [];
    private byte[] _nicSaved = [];
    private byte[] _packed = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (int i = 0; i < _dev.Regs.Length; i++)
        {
            _dev.Regs[i] = (uint)rng.Next();
        }

        rng.NextBytes(_dev.Ring);
        _saved = VmStateSerializer.Save(_dev);
        _nicSaved = VmStateSerializer.Save(_nic);
        _packed = MemoryPackSerializer.Serialize(_dev);
    }

    [Benchmark(Baseline = true)]
    public int RegisterFile_Save_Generated()
    {
        var w = new VmStateWriter(_buffer.AsSpan());
        _dev.SaveVmState(ref w);
        return (int)w.Position;
    }

    [Benchmark]
    public int RegisterFile_Save_HandWritten() => _dev.SaveByHand(_buffer);

    [Benchmark]
    public int RegisterFile_Save_MemoryPack()
    {
        _packOutput.ResetWrittenCount();
        MemoryPackSerializer.Serialize(_packOutput, _dev);
        return _packOutput.WrittenCount;
    }

    [Benchmark]
    public void RegisterFile_Load_Generated()
    {
        var r = new VmStateReader(_saved);
        _dev.LoadVmState(ref r, 2);
    }

    [Benchmark]
    public void RegisterFile_Load_HandWritten() => _dev.LoadByHand(_saved);

    [Benchmark]
    public void RegisterFile_Load_MemoryPack()
    {
        RegisterFile? target = _dev;
        MemoryPackSerializer.Deserialize(_packed, ref target);
    }

    [Benchmark]
    public int E1000_Save_Generated()
    {
        var w = new VmStateWriter(_buffer.AsSpan());
        _nic.SaveVmState(ref w);
        return (int)w.Position;
    }

    [Benchmark]
    public void E1000_Load_Generated()
    {
        var r = new VmStateReader(_nicSaved);
        _nic.LoadVmState(ref r, 2);
    }
}
