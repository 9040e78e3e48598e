using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using VmState.Generators;
using VmState.Generators.BaselineUpdate;
using VmState.Generators.Compatibility;
using VmState.Generators.Model;

namespace VmState.CodeFixes;

/// <summary>
/// The baseline a project writes (its last additional file marked <c>VmStateBaseline=true</c>, as the build's update
/// takes the last <c>VmStateBaseline</c> item) and the merge of types' current entries into it.
/// </summary>
internal sealed class NewestBaseline
{
    private NewestBaseline(TextDocument document, string fileName)
    {
        Document = document;
        FileName = fileName;
    }

    public TextDocument Document { get; }

    /// <summary>The file's name without its folder, as the compatibility diagnostics name it.</summary>
    public string FileName { get; }

    public static NewestBaseline? Of(Project project)
    {
        // AdditionalDocuments keep the project's item order; AnalyzerOptions.AdditionalFiles need not (a workspace may
        // list them in another order), so they only answer which paths are marked.
        AnalyzerOptions options = project.AnalyzerOptions;
        var marked = new HashSet<string>(
            options.AdditionalFiles
                .Where(f => options.AnalyzerConfigOptionsProvider.GetOptions(f).TryGetValue(VmStateCompatibilityAnalyzer.BaselineOption, out string? value)
                    && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
                .Select(f => f.Path),
            StringComparer.Ordinal);
        TextDocument? document = project.AdditionalDocuments.LastOrDefault(d => d.FilePath is { } path && marked.Contains(path));
        return document is null ? null : new NewestBaseline(document, NameOf(document.FilePath!));
    }

    /// <summary>
    /// Whether <paramref name="diagnostic"/> came from this file: every compatibility message names its baseline
    /// last, in quotes. A break found in an older baseline is not cured by rewriting this one.
    /// </summary>
    public bool Reported(Diagnostic diagnostic) =>
        diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("'" + FileName + "'");

    /// <summary>
    /// The file's text with the current entry of each of <paramref name="types"/> in place of its shipped one, or
    /// null when nothing would change or the merge fails (an entry the build cannot write, an unreadable file).
    /// Only keys the file already has are written: a type with no section of its own here (a nested struct) is left.
    /// </summary>
    public async Task<SourceText?> MergeAsync(IEnumerable<INamedTypeSymbol> types, Compilation compilation, CancellationToken ct)
    {
        SourceText text = await Document.GetTextAsync(ct).ConfigureAwait(false);
        string existing = text.ToString();
        HashSet<string> keys;
        try
        {
            keys = new HashSet<string>(BaselineJson.ParseTop(existing).Select(m => m.Key), StringComparer.Ordinal);
        }
        catch (FormatException)
        {
            return null;
        }

        Func<string, TypeSpec?> resolve = Resolver(compilation, ct);
        var entries = new List<BaselineEntry>();
        foreach (INamedTypeSymbol type in types)
        {
            if (VmStateGenerator.Parser.Parse(type, compilation, ct).Spec is not { } spec)
            {
                continue;
            }

            // Not a section: the merge only replaces, it never adds a key the file lacks.
            entries.AddRange(BaselineWriter.Keys(spec).Where(keys.Contains).Select(key => BaselineWriter.WriteEntry(spec, key, isSection: false, resolve)));
        }

        if (entries.Count == 0)
        {
            return null;
        }

        // The machine is the build's default (the assembly name), used only if the file lacks its vmschkmachine entry.
        BaselineMerge merge = BaselineFile.Update(existing, FileName, entries, compilation.AssemblyName ?? "");
        return merge.Text is null || string.Equals(merge.Text, existing, StringComparison.Ordinal)
            ? null
            : SourceText.From(merge.Text, text.Encoding, text.ChecksumAlgorithm);
    }

    // Nested struct and tmp types, by the generator's global::-qualified names, among the compilation's own types.
    private static Func<string, TypeSpec?> Resolver(Compilation compilation, CancellationToken ct)
    {
        Dictionary<string, INamedTypeSymbol>? byName = null;
        var parsed = new Dictionary<string, TypeSpec?>(StringComparer.Ordinal);
        return name =>
        {
            if (parsed.TryGetValue(name, out TypeSpec? done))
            {
                return done;
            }

            byName ??= SourceTypes(compilation.Assembly.GlobalNamespace)
                .GroupBy(t => t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            TypeSpec? spec = byName.TryGetValue(name, out INamedTypeSymbol? type)
                && AttributeLookup.Find(type, KnownTypes.Metadata.VmStateAttribute) is not null
                ? VmStateGenerator.Parser.Parse(type, compilation, ct).Spec
                : null;
            parsed[name] = spec;
            return spec;
        };
    }

    private static IEnumerable<INamedTypeSymbol> SourceTypes(INamespaceOrTypeSymbol container)
    {
        foreach (ISymbol member in container.GetMembers())
        {
            if (member is INamespaceOrTypeSymbol inner)
            {
                if (inner is INamedTypeSymbol type)
                {
                    yield return type;
                }

                foreach (INamedTypeSymbol nested in SourceTypes(inner))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string NameOf(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash >= 0 ? path.Substring(slash + 1) : path;
    }
}
