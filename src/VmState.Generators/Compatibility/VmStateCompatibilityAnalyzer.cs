using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace VmState.Generators.Compatibility;

/// <summary>
/// Checks every <c>[VmState]</c> type against the schemas earlier releases shipped: AdditionalFiles marked
/// <c>VmStateBaseline="true"</c>, each a <c>-dump-vmstate</c> JSON. It reads the type with the generator's own
/// <see cref="VmStateGenerator.Parser"/>, so it sees the fields the generated code will send, and reports what would
/// keep a shipped release's streams from loading (VMS0101 onward). Types the parser rejects are left to the generator;
/// types no baseline names are new and fine.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VmStateCompatibilityAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The analyzer config key of the AdditionalFiles metadata that marks a baseline.</summary>
    internal const string BaselineOption = "build_metadata.AdditionalFiles.VmStateBaseline";

    // Larger than any machine's schema (QEMU's pc dump is under 1 MB); a bigger file is not read at all.
    private const int MaxBaselineChars = 64 * 1024 * 1024;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.VersionLowered,
        DiagnosticDescriptors.MinimumRaised,
        DiagnosticDescriptors.ShippedFieldMissing,
        DiagnosticDescriptors.FieldSizeChanged,
        DiagnosticDescriptors.NewFieldWithoutVersion,
        DiagnosticDescriptors.ShippedSubsectionMissing,
        DiagnosticDescriptors.BaselineUnreadable,
        DiagnosticDescriptors.FieldRenamed,
        DiagnosticDescriptors.SinceChanged,
        DiagnosticDescriptors.ExistsChanged);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        var baselines = new List<Baseline>();
        var problems = new List<(string File, string Problem)>();
        AnalyzerOptions options = context.Options;
        foreach (AdditionalText file in options.AdditionalFiles.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (!IsBaseline(options, file))
            {
                continue;
            }

            string name = FileName(file.Path);
            string? problem = Read(file, name, context.CancellationToken, out Baseline? baseline);
            if (baseline is not null)
            {
                baselines.Add(baseline);
            }
            else
            {
                problems.Add((name, problem ?? "unknown problem"));
            }
        }

        if (problems.Count > 0)
        {
            context.RegisterCompilationEndAction(end =>
            {
                foreach ((string file, string problem) in problems)
                {
                    end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BaselineUnreadable, Location.None, file, problem));
                }
            });
        }

        if (baselines.Count > 0)
        {
            context.RegisterSymbolAction(symbol => Check(symbol, baselines), SymbolKind.NamedType);
        }
    }

    private static bool IsBaseline(AnalyzerOptions options, AdditionalText file) =>
        options.AnalyzerConfigOptionsProvider.GetOptions(file).TryGetValue(BaselineOption, out string? value)
        && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    // The file name without its folder, so messages are the same on every machine.
    private static string FileName(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash >= 0 ? path.Substring(slash + 1) : path;
    }

    // What reading one baseline text gave, kept while the text lives: an IDE makes a compilation per edit, and the
    // baseline files rarely change between them.
    private sealed record ReadResult(string File, Baseline? Baseline, string? Problem);

    private static readonly ConditionalWeakTable<SourceText, ReadResult> Cache = new();

    /// <summary>The baseline read from <paramref name="text"/> earlier, if any (tests: an edit does not re-read it).</summary>
    internal static Baseline? Cached(SourceText text) => Cache.TryGetValue(text, out ReadResult? r) ? r.Baseline : null;

    private static string? Read(AdditionalText file, string name, CancellationToken ct, out Baseline? baseline)
    {
        baseline = null;
        SourceText? text;
        try
        {
            text = file.GetText(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e.GetType().Name + ": " + e.Message;
        }

        if (text is null)
        {
            return "the file cannot be opened";
        }

        ReadResult result = Cache.GetValue(text, t => Parse(name, t));
        if (!string.Equals(result.File, name, StringComparison.Ordinal))
        {
            // The same text under another name: messages must name this file.
            result = Parse(name, text);
        }

        baseline = result.Baseline;
        return result.Problem;
    }

    private static ReadResult Parse(string name, SourceText text)
    {
        if (text.Length > MaxBaselineChars)
        {
            return new ReadResult(name, null, "the file is larger than 64M characters");
        }

        try
        {
            return new ReadResult(name, Baseline.Read(name, text.ToString()), null);
        }
        catch (FormatException e)
        {
            return new ReadResult(name, null, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A malformed baseline must not take the analyzer (and the build's other diagnostics) down with it.
            return new ReadResult(name, null, e.GetType().Name + ": " + e.Message);
        }
    }

    private static void Check(SymbolAnalysisContext context, List<Baseline> baselines)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        AttributeData? attribute = AttributeLookup.Find(type, KnownTypes.Metadata.VmStateAttribute);
        if (attribute is null)
        {
            return;
        }

        Model.TypeSpec? spec = VmStateGenerator.Parser.Parse(type, context.Compilation, context.CancellationToken).Spec;
        if (spec is null)
        {
            return;
        }

        var checker = new CompatibilityChecker(type, spec, attribute, context.Compilation, context.ReportDiagnostic, context.CancellationToken);
        string[] keys = spec.DeviceTypes.Count > 0 ? [.. spec.DeviceTypes] : [spec.DeviceType ?? spec.Description.Name];
        foreach (Baseline baseline in baselines)
        {
            if (baseline.Find(keys) is { } shipped)
            {
                checker.Check(shipped, baseline.File);
            }
        }
    }
}
