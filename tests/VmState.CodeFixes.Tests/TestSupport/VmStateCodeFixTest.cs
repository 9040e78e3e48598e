using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using VmState.Description;
using VmState.Generators.Compatibility;
using VmState.Generators.Policy;

namespace VmState.CodeFixes.Tests.TestSupport;

/// <summary>
/// A before/after test of one code fix against every VmState diagnostic source: the generator's (through
/// <see cref="GeneratorDiagnosticsAnalyzer"/>), the compatibility analyzer (with baselines as marked additional
/// files, as the package's targets pass them) and the policy analyzers. So the fixed code must be clean of all of them.
/// </summary>
public sealed class VmStateCodeFixTest<TCodeFix> : CSharpCodeFixTest<GeneratorDiagnosticsAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    public VmStateCodeFixTest()
    {
        // No reference packs from a feed at test time: the .NET 10 reference assemblies come from a package.
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(VmStateAttribute).Assembly.Location));
        // The package's targets mark baseline items with this metadata; .editorconfig stands in for its global config.
        TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.json]\nbuild_metadata.AdditionalFiles.VmStateBaseline = true\n"));
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
    [
        new GeneratorDiagnosticsAnalyzer(),
        new VmStateCompatibilityAnalyzer(),
        new VersionUnusedAnalyzer(),
        new PredicateAssignsAnalyzer(),
        new ArrayOfNullElementsAnalyzer(),
    ];
}

/// <summary>Makes <see cref="VmStateCodeFixTest{TCodeFix}"/>s.</summary>
public static class FixTest
{
    /// <summary>What every test source opens with.</summary>
    public const string Usings = "using VmState.Description;\n\n";

    /// <summary>A test of <paramref name="before"/> (with markup) fixed into <paramref name="after"/>, against <paramref name="baselines"/>.</summary>
    public static VmStateCodeFixTest<TCodeFix> Create<TCodeFix>(string before, string after, params (string File, string Json)[] baselines)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new VmStateCodeFixTest<TCodeFix> { TestCode = Usings + before, FixedCode = Usings + after };
        foreach ((string file, string json) in baselines)
        {
            test.TestState.AdditionalFiles.Add(("/0/" + file, json));
        }

        return test;
    }
}
