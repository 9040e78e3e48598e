using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VmState.Generators.Tests.Compatibility.Mutations;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>The mutation catalog and its source edits, apart from any build.</summary>
public sealed class MutationCatalogTests
{
    private static readonly Lazy<DeviceSources> Sources = new(() => new DeviceSources(SampleDevicesBuild.FromRepository().Files));

    [Fact]
    public void The_catalog_is_the_same_on_every_run()
    {
        List<DeviceMutation> first = MutationCatalog.Create(Sources.Value);
        List<DeviceMutation> second = MutationCatalog.Create(new DeviceSources(Sources.Value.Files));

        Assert.Equal(first.Select(Describe), second.Select(Describe));
    }

    [Fact]
    public void Every_mutation_changes_the_sources_it_builds()
    {
        foreach (DeviceMutation m in MutationCatalog.Create(Sources.Value))
        {
            // A mutation with a prepared release may be the repository's sources; then the release must differ.
            IEnumerable<SourceEdit> edits = m.Edits.IsEmpty ? m.Shipped : m.Edits;
            Dictionary<string, string> edited = Sources.Value.Apply(edits);
            Assert.True(edited.Count > 0, m.Name);
            Assert.Contains(edited, f => f.Value != Sources.Value.Files[f.Key]);
        }
    }

    [Theory]
    [InlineData("""[VmStateField("a", Since = 2, Subsection = S)]""", "Since", """[VmStateField("a", Subsection = S)]""")]
    [InlineData("""[VmStateField("a", Subsection = S, Since = 2)]""", "Since", """[VmStateField("a", Subsection = S)]""")]
    [InlineData("""[Unused(4, Exists = nameof(X))]""", "Exists", """[Unused(4)]""")]
    [InlineData("""[VmStateField(Since = 2, Length = 3)]""", "Since", """[VmStateField(Length = 3)]""")]
    [InlineData("""[VmStateField(Since = 2)]""", "Since", """[VmStateField()]""")]
    public void RemoveArgument_takes_the_argument_and_its_comma(string attribute, string name, string expected)
    {
        (string file, AttributeSyntax a, DeviceSources sources) = Parse(attribute);

        Assert.Contains(expected, sources.Apply([DeviceSources.RemoveArgument(file, a, name)])[file], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[VmStateField("a", Since = 2)]""", "Since", "3", """[VmStateField("a", Since = 3)]""")]
    [InlineData("""[VmStateField("a")]""", "Since", "3", """[VmStateField("a", Since = 3)]""")]
    [InlineData("""[VmStateField()]""", "Since", "3", """[VmStateField(Since = 3)]""")]
    [InlineData("""[VmStateField]""", "Since", "3", """[VmStateField(Since = 3)]""")]
    public void SetArgument_replaces_or_adds_the_argument(string attribute, string name, string value, string expected)
    {
        (string file, AttributeSyntax a, DeviceSources sources) = Parse(attribute);

        Assert.Contains(expected, sources.Apply([DeviceSources.SetArgument(file, a, name, value)])[file], StringComparison.Ordinal);
    }

    private static (string File, AttributeSyntax Attribute, DeviceSources Sources) Parse(string attribute)
    {
        const string file = "Dev.cs";
        string text = "class Dev { " + attribute + " public int A; }";
        var sources = new DeviceSources(new Dictionary<string, string> { [file] = text });
        AttributeSyntax a = CSharpSyntaxTree.ParseText(text, TestCompilation.ParseOptions, path: file).GetRoot().DescendantNodes().OfType<AttributeSyntax>().Single();
        return (file, a, sources);
    }

    private static string Describe(DeviceMutation m) =>
        m.Name + " " + m.Expect + " " + string.Join("|", m.Shipped.Concat(m.Edits).Select(e => $"{e.File}@{e.Span}={e.Text}"));
}
