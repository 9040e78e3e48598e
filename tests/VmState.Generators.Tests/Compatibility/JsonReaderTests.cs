using VmState.Generators.Compatibility;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>The analyzer's own JSON reader: what baseline files hold, and errors rather than surprises.</summary>
public sealed class JsonReaderTests
{
    [Fact]
    public void Reads_objects_arrays_strings_numbers_and_words()
    {
        var o = Assert.IsType<Dictionary<string, object?>>(JsonReader.Parse(
            "{ \"a\": [1, -2.5e1, true, false, null], \"b\": \"q\\\"\\\\\\/\\n\\u0041\", \"a\": 7, \"c\": {} }"));
        Assert.Equal([1.0, -25.0, true, false, null], Assert.IsType<List<object?>>(o["a"]));
        Assert.Equal("q\"\\/\nA", o["b"]);
        Assert.Empty(Assert.IsType<Dictionary<string, object?>>(o["c"]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{ \"a\" 1 }")]
    [InlineData("[1,]")]
    [InlineData("\"open")]
    [InlineData("\"bad \\x escape\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("tru")]
    [InlineData("1 2")]
    [InlineData("--1")]
    public void Malformed_text_is_a_format_exception(string text) =>
        Assert.Throws<FormatException>(() => JsonReader.Parse(text));

    [Fact]
    public void Without_baselines_the_analyzer_reports_nothing()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 1)]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        Assert.Empty(CompatibilityAnalysis.Run([source]));
    }
}
