using System.Reflection;
using Microsoft.CodeAnalysis;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests;

/// <summary>docs/diagnostics.md and AnalyzerReleases.Unshipped.md say what DiagnosticDescriptors declares, id by id.</summary>
public sealed class DiagnosticsDocumentationTests
{
    private static DiagnosticDescriptor[] Descriptors() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();


    [Fact]
    public void Ids_are_consecutive_within_each_block_and_each_is_found_by_id()
    {
        DiagnosticDescriptor[] all = Descriptors();
        // Blocks of 100: VMS0001.. generator errors, VMS0101.. compatibility with shipped schemas.
        foreach (IGrouping<int, DiagnosticDescriptor> block in all.GroupBy(d => int.Parse(d.Id.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture) / 100))
        {
            DiagnosticDescriptor[] ids = block.ToArray();
            Assert.Equal(
                Enumerable.Range((block.Key * 100) + 1, ids.Length).Select(i => "VMS" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture)),
                ids.Select(d => d.Id));
        }

        Assert.Contains(all, d => d.Id == "VMS0001");
        Assert.All(all, d => Assert.Same(d, DiagnosticDescriptors.ById(d.Id)));
    }

    [Fact]
    public void Every_diagnostic_has_its_section_in_the_documentation()
    {
        string doc = File.ReadAllText(Repository.PathOf("docs/diagnostics.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (DiagnosticDescriptor d in Descriptors())
        {
            string section = "## " + d.Id + "\n\n**" + d.Title + "**\n\nMessage: `" + d.MessageFormat + "`\n\n" + d.Description + "\n";
            Assert.Contains(section, doc, StringComparison.Ordinal);
            Assert.EndsWith("#" + d.Id.ToLowerInvariant(), d.HelpLinkUri, StringComparison.Ordinal);
        }

        Assert.Equal(Descriptors().Length, doc.Split("\n## VMS", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public void Every_diagnostic_is_tracked_in_the_release_file()
    {
        string unshipped = File.ReadAllText(Repository.PathOf("src/VmState.Generators/AnalyzerReleases.Unshipped.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (DiagnosticDescriptor d in Descriptors())
        {
            Assert.Contains("\n" + d.Id + " | " + d.Category + " | " + d.DefaultSeverity + " | DiagnosticDescriptors\n", unshipped, StringComparison.Ordinal);
        }
    }
}
