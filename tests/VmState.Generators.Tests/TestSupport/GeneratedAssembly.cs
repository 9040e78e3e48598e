using System.Reflection;

namespace VmState.Generators.Tests.TestSupport;

/// <summary>Runs generated code: emits a generator run's output compilation and loads it.</summary>
internal static class GeneratedAssembly
{
    public static Assembly Emit(GeneratorRun run)
    {
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        using var pe = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = run.Output.Emit(pe);
        Assert.True(emitted.Success, TestCompilation.Describe(emitted.Diagnostics));
        return Assembly.Load(pe.ToArray());
    }
}
