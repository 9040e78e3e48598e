using BenchmarkDotNet.Running;
using VmState.Benchmarks.Quick;

if (args.Contains("--quick"))
{
    return QuickMode.Run(args, Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
