using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using VmState.Generators;

namespace VmState.CodeFixes;

/// <summary>
/// VMS0105, "raise Version and set Since": the new field gets <c>Since</c> one above the shipped version, and its
/// description (the <c>[VmState]</c>, or the <c>[Subsection]</c> it belongs to) a Version at least that high, so
/// streams of the shipped release load without it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RaiseVersionCodeFix)), Shared]
public sealed class RaiseVersionCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NewFieldWithoutVersion.Id);

    /// <inheritdoc/>
    // Fields of one description share its Version: Fix All raises it once, to the highest Since it sets.
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (await PlanAsync(context.Document, [diagnostic], context.CancellationToken).ConfigureAwait(false) is { Fields.Count: 1 } plan)
            {
                int since = plan.Fields[0].Since;
                string title = "Raise Version and set Since = " + since.ToString(CultureInfo.InvariantCulture);
                Document document = context.Document;
                context.RegisterCodeFix(CodeAction.Create(title, ct => FixAsync(document, [diagnostic], ct), nameof(RaiseVersionCodeFix)), diagnostic);
            }
        }
    }

    private sealed record Plan(List<(AttributeSyntax Field, int Since)> Fields, List<(AttributeSyntax Description, int Version)> Versions);

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken ct)
    {
        if (await PlanAsync(document, diagnostics, ct).ConfigureAwait(false) is not { } plan)
        {
            return document;
        }

        DocumentEditor editor = await DocumentEditor.CreateAsync(document, ct).ConfigureAwait(false);
        foreach ((AttributeSyntax field, int since) in plan.Fields)
        {
            editor.ReplaceNode(field, AttributeEditing.WithNamed(field, "Since", AttributeEditing.Int(since)));
        }

        foreach ((AttributeSyntax description, int version) in plan.Versions)
        {
            editor.ReplaceNode(description, AttributeEditing.WithNamed(description, "Version", AttributeEditing.Int(version)));
        }

        return editor.GetChangedDocument();
    }

    // The new Since of each field (one above the highest shipped version reported for it) and the Version each of
    // their descriptions needs.
    private static async Task<Plan?> PlanAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken ct)
    {
        var since = new Dictionary<AttributeSyntax, int>();
        var needed = new Dictionary<AttributeSyntax, (INamedTypeSymbol Type, string? Subsection, int Version)>();
        bool any = false;
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (DiagnosticTarget.Int(diagnostic, "ShippedVersion") is not int shipped
                || await DiagnosticTarget.FindAsync(document, diagnostic, ct).ConfigureAwait(false) is not { } target
                || target.Member(DiagnosticTarget.String(diagnostic, "Member")) is not { } member
                || AttributeEditing.FindField(member, target.Root.SyntaxTree, ct) is not { } field)
            {
                continue;
            }

            string? subsection = DiagnosticTarget.String(diagnostic, "Subsection");
            AttributeSyntax? description = subsection is null
                ? AttributeEditing.Find(target.Type, KnownTypes.Metadata.VmStateAttribute, target.Root.SyntaxTree, ct)
                : AttributeEditing.FindSubsection(target.Type, subsection, target.Root.SyntaxTree, ct);
            if (description is null)
            {
                // The description is declared in another file: raising Since alone would not compile (VMS0004).
                continue;
            }

            any = true;
            int value = shipped + 1;
            since[field] = since.TryGetValue(field, out int other) ? Math.Max(other, value) : value;
            int version = needed.TryGetValue(description, out var seen) ? Math.Max(seen.Version, since[field]) : since[field];
            needed[description] = (target.Type, subsection, version);
        }

        if (!any)
        {
            return null;
        }

        var versions = new List<(AttributeSyntax, int)>();
        foreach (KeyValuePair<AttributeSyntax, (INamedTypeSymbol Type, string? Subsection, int Version)> entry in needed)
        {
            AttributeData? data = entry.Value.Subsection is null
                ? AttributeLookup.Find(entry.Value.Type, KnownTypes.Metadata.VmStateAttribute)
                : AttributeLookup.Subsection(entry.Value.Type, entry.Value.Subsection);
            int current = data?.NamedArguments.FirstOrDefault(kv => kv.Key == "Version").Value.Value is int v ? v : 1;
            if (entry.Value.Version > current)
            {
                versions.Add((entry.Key, entry.Value.Version));
            }
        }

        return new Plan(since.Select(kv => (kv.Key, kv.Value)).ToList(), versions);
    }
}
