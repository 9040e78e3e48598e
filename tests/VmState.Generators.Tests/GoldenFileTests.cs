using VmState.Description;
using VmState.Generators.Tests.TestSupport;
using Xunit.Sdk;

namespace VmState.Generators.Tests;

/// <summary>The baseline helper itself: it reports the first difference and never accepts on its own.</summary>
public sealed class GoldenFileTests
{
    [Fact]
    public void The_first_differing_line_is_reported()
    {
        string message = GoldenFile.FirstDifference("a\nb\nc\n", "a\nB\nc\n", "x.g.cs.txt", "x.received.txt");

        Assert.Contains("at line 2", message, StringComparison.Ordinal);
        Assert.Contains("expected: 'b'", message, StringComparison.Ordinal);
        Assert.Contains("actual:   'B'", message, StringComparison.Ordinal);
        Assert.Contains("VMSTATE_ACCEPT=1 dotnet test", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shorter_text_differs_at_its_end()
    {
        string message = GoldenFile.FirstDifference("a\nb", "a", "x.g.cs.txt", "x.received.txt");

        Assert.Contains("at line 2", message, StringComparison.Ordinal);
        Assert.Contains("actual:   <end of file>", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_endings_do_not_matter()
    {
        Assert.Equal(GoldenFile.Normalize("a\nb\n"), GoldenFile.Normalize("a\r\nb\r\n"));
    }

    [NotWhileAcceptingFact]
    public void A_missing_baseline_fails_and_is_not_created()
    {
        string golden = Path.Combine(GoldenDirectory(), "NoSuchBaseline.g.cs.txt");
        string received = Path.Combine(GoldenDirectory(), "NoSuchBaseline.received.txt");
        try
        {
            FailException e = Assert.Throws<FailException>(() => GoldenFile.Verify("NoSuchBaseline", "text"));

            Assert.Contains("VMSTATE_ACCEPT=1 dotnet test", e.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(golden));
            Assert.Equal("text", File.ReadAllText(received));
        }
        finally
        {
            File.Delete(received);
        }
    }

    [Fact]
    public void The_missing_baseline_test_is_skipped_only_while_accepting()
    {
        Assert.Contains("VMSTATE_ACCEPT=1", NotWhileAcceptingFactAttribute.SkipReason("1"), StringComparison.Ordinal);
        Assert.Null(NotWhileAcceptingFactAttribute.SkipReason(null));
        Assert.Null(NotWhileAcceptingFactAttribute.SkipReason("0"));
        Assert.Null(NotWhileAcceptingFactAttribute.SkipReason(""));

        // The attribute on the test reads the variable of this run.
        var attribute = (FactAttribute)Attribute.GetCustomAttribute(
            typeof(GoldenFileTests).GetMethod(nameof(A_missing_baseline_fails_and_is_not_created))!, typeof(FactAttribute))!;
        Assert.IsType<NotWhileAcceptingFactAttribute>(attribute);
        Assert.Equal(NotWhileAcceptingFactAttribute.SkipReason(Environment.GetEnvironmentVariable(GoldenFile.AcceptVariable)), attribute.Skip);
    }

    private static string GoldenDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Golden");
}
