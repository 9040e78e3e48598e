using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VmState.Generators.BaselineUpdate;

namespace VmState.Generators.Tests.TestSupport;

/// <summary>Build properties as the compiler passes them (<c>build_property.NAME</c>), and nothing per file.</summary>
internal sealed class TestGlobalOptionsProvider(ImmutableDictionary<string, string> properties) : AnalyzerConfigOptionsProvider
{
    /// <summary>What <c>dotnet build -p:VmStateUpdateBaseline=VALUE</c> gives the generator.</summary>
    public static TestGlobalOptionsProvider UpdateBaseline(string value = "true") =>
        new(ImmutableDictionary<string, string>.Empty.Add(BaselineWriter.Property, value));

    public override AnalyzerConfigOptions GlobalOptions { get; } = new TestConfigOptions(properties);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestConfigOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => TestConfigOptions.Empty;
}

/// <summary>A generator run as a baseline update does it, and the entries the build reads back from its assembly.</summary>
internal static class BaselineRun
{
    public static GeneratorRun Run(params string[] sources) =>
        TestCompilation.Run(TestCompilation.CreateDriver(TestGlobalOptionsProvider.UpdateBaseline()), TestCompilation.Create(sources));

    /// <summary>The entries of <paramref name="run"/>'s assembly, read from its metadata as the build's task reads them.</summary>
    public static List<BaselineEntry> Entries(GeneratorRun run)
    {
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        using var pe = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = run.Output.Emit(pe);
        Assert.True(emitted.Success, TestCompilation.Describe(emitted.Diagnostics));
        pe.Position = 0;
        List<BaselineEntry>? entries = BaselineAssembly.ReadEntries(pe);
        Assert.NotNull(entries);
        return entries;
    }

    private static readonly Lazy<GeneratorRun> SampleRun = new(() => Run(SampleDevices()));

    /// <summary>The baseline update of the sample machine's devices, made once for the tests that read it.</summary>
    public static GeneratorRun SampleMachine => SampleRun.Value;

    /// <summary>The sample machine's device sources, which compile on their own with the runtime and the SDK's implicit usings.</summary>
    public static string[] SampleDevices() =>
    [
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq;",
        .. SampleDevicesBuild.SourcePaths().Select(File.ReadAllText),
    ];
}
