using SharpFuzz;

namespace VmState.Fuzz;

/// <summary>
/// The coverage-guided mode: afl-fuzz runs <c>VmState.Fuzz --afl NAME</c> and SharpFuzz feeds it inputs (the
/// instrumented VmState.Runtime.dll reports coverage). A typed error is a normal outcome; any other exception, and
/// an allocation past the oracle's bound, escapes as a crash; afl-fuzz's own <c>-t</c> is the hang limit.
/// </summary>
internal static class AflEntry
{
    public static void Run(string name)
    {
        FuzzTarget target = FuzzTarget.Create(name);
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            byte[] input = copy.ToArray();
            target.Prepare();
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                target.Run(input);
            }
            catch (Exception e) when (target.IsTypedError(e))
            {
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > FuzzOracle.AllocationBound(target, input.Length))
            {
                throw new FuzzOracleException($"allocated {allocated} bytes for a {input.Length}-byte input");
            }
        });
    }
}
