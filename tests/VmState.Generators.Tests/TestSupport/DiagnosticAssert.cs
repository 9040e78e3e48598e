using Microsoft.CodeAnalysis;
using VmState.Description;

namespace VmState.Generators.Tests.TestSupport;

/// <summary>Checks what the generator reports about one source.</summary>
internal static class DiagnosticAssert
{
    /// <summary>What every member of a stand-in says when called.</summary>
    public const string StandIn = "the VmState generator reported an error for it";

    /// <summary>
    /// The generator reports <paramref name="id"/> exactly once, as an error, on the line holding
    /// <paramref name="marker"/>, with a message naming every one of <paramref name="named"/>; it reports nothing else,
    /// generates at most a stand-in for the offending type (by convention named <c>Dev</c>), and the rest of the compilation is fine.
    /// </summary>
    public static Diagnostic Reports(string id, string source, string marker, params string[] named)
    {
        GeneratorRun run = TestCompilation.Run(source);

        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        // Pipeline models hold plain locations (file, span, lines), so the reported location is a file location.
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.True(span.IsValid, $"{id} has no location: {diagnostic}");
        Assert.Equal("Source0.cs", span.Path);
        Assert.Equal(TestCompilation.LineOf(source, marker), span.StartLinePosition.Line);
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string name in named)
        {
            Assert.Contains("'" + name + "'", message, StringComparison.Ordinal);
        }

        // At most the stand-in: members that throw, so that code using the type shows only the generator's error.
        foreach ((string hint, string text) in run.Sources.Where(s => s.Key.StartsWith("Dev.", StringComparison.Ordinal) || s.Key.Contains(".Dev.", StringComparison.Ordinal)))
        {
            Assert.True(text.Contains(StandIn, StringComparison.Ordinal), hint + " is more than the stand-in:\n" + text);
        }

        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        return diagnostic;
    }

    /// <summary>The generator reports nothing at all for <paramref name="source"/>, and its output compiles.</summary>
    public static GeneratorRun Clean(string source)
    {
        GeneratorRun run = TestCompilation.Run(source);

        Assert.True(run.GeneratorDiagnostics.IsEmpty, TestCompilation.Describe(run.GeneratorDiagnostics));
        Assert.NotEmpty(run.Sources);
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        return run;
    }
}
