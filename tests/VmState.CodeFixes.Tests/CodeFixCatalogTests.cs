using System.Composition;
using System.Reflection;
using Microsoft.CodeAnalysis.CodeFixes;
using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>Every code fix in the assembly is one an IDE finds, can fix all with, and docs/diagnostics.md names.</summary>
public sealed class CodeFixCatalogTests
{
    private static CodeFixProvider[] Providers() =>
        typeof(MakePartialCodeFix).Assembly.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .OrderBy(p => p.GetType().Name, StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void Every_provider_is_exported_shared_and_fixes_all()
    {
        CodeFixProvider[] providers = Providers();
        Assert.Equal(8, providers.Length);
        foreach (CodeFixProvider p in providers)
        {
            Type t = p.GetType();
            Assert.Equal(t.Name, t.GetCustomAttribute<ExportCodeFixProviderAttribute>()?.Name);
            Assert.NotNull(t.GetCustomAttribute<SharedAttribute>());
            Assert.NotNull(p.GetFixAllProvider());
            Assert.NotEmpty(p.FixableDiagnosticIds);
        }
    }

    [Fact]
    public void Every_fixed_id_has_a_fix_line_in_its_documentation_section()
    {
        string doc = File.ReadAllText(Repository.PathOf("docs/diagnostics.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (string id in Providers().SelectMany(p => p.FixableDiagnosticIds).Distinct())
        {
            int start = doc.IndexOf("\n## " + id + "\n", StringComparison.Ordinal);
            Assert.True(start >= 0, id + " has no section");
            int end = doc.IndexOf("\n#", start + 1, StringComparison.Ordinal);
            string section = end < 0 ? doc[start..] : doc[start..end];
            Assert.True(section.Contains("\nFix: ", StringComparison.Ordinal) || section.Contains("\nFixes: ", StringComparison.Ordinal)
                || section.Contains("\nFix, ", StringComparison.Ordinal), id + "'s section does not say what its fix does");
        }
    }
}
