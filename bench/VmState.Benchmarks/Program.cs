using BenchmarkDotNet.Running;
using VmState.Benchmarks.Quick;
using VmState.Benchmarks.Ram;

if (args.Contains("--quick"))
{
    return QuickMode.Run(args, Console.Out);
}

if (args.Contains("--raw-loopback"))
{
    return RawLoopbackMode.Run(args, Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
