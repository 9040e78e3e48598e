using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using VmState.Description;
using VmState.Generators.Compatibility;
using VmState.Schema;

namespace VmState.Generators.Tests.TestSupport;

/// <summary>What one build of (possibly edited) sample machine device sources gave.</summary>
/// <param name="GeneratorErrors">The generator's errors: with any, there is no dump.</param>
/// <param name="CompileErrors">The compiler's errors in the output compilation: with any, there is no dump.</param>
/// <param name="Analyzer">What <see cref="VmStateCompatibilityAnalyzer"/> reported, errors and warnings.</param>
/// <param name="Dumps">The <c>-dump-vmstate</c> text of the devices, per machine name asked for; empty without an assembly.</param>
/// <param name="Descriptions">The run-time descriptions of <see cref="SampleDevicesBuild.DumpedTypes"/>; empty without an assembly.</param>
internal sealed record SampleDevicesBuildResult(
    ImmutableArray<Diagnostic> GeneratorErrors,
    ImmutableArray<Diagnostic> CompileErrors,
    ImmutableArray<Diagnostic> Analyzer,
    IReadOnlyDictionary<string, string> Dumps,
    IReadOnlyList<VmStateDescription> Descriptions)
{
    /// <summary>The build fails: the generator, the compiler or the analyzer reports an error.</summary>
    public bool Fails => !BuildsApartFromAnalyzer || Analyzer.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The generator and the compiler report no error (the analyzer may).</summary>
    public bool BuildsApartFromAnalyzer => GeneratorErrors.IsEmpty && CompileErrors.IsEmpty;
}

/// <summary>
/// Builds the sample machine's device sources (in src/VmState.Qemu, <see cref="DeviceSources"/>) in memory as their
/// project does: the generator, the compiler, and the compatibility analyzer against baselines; then loads the
/// assembly into a collectible context and writes the devices' <c>-dump-vmstate</c> with the runtime's
/// <see cref="DumpVmStateWriter"/>.
/// The sources are parsed once and the generator driver of the unedited build is reused, so a build of an edited
/// copy re-parses only the edited files and the generator re-runs only for what they changed. The e1000 (with its
/// PCI function) and the x86 CPU share no code, so each is compiled apart: an edit rebuilds only its own part, and
/// the other part's results from the unedited sources stand.
/// </summary>
internal sealed class SampleDevicesBuild
{
    /// <summary>The machine type the sample machine writes into its dumps (<c>CommandLine.MachineName</c>).</summary>
    public const string MachineName = "vmstate-sample-1.0";

    /// <summary>The devices a sample machine dump lists, in its order (<c>CommandLine.KnownDevices</c>).</summary>
    public static readonly string[] DumpedTypes =
    [
        "VmState.Qemu.E1000.E1000Nic",
        "VmState.Qemu.X86.CpuCommon",
        "VmState.Qemu.X86.X86Cpu",
    ];

    /// <summary>The device library project that holds the sample machine's devices, among others.</summary>
    public const string LibraryFolder = "src/VmState.Qemu";

    /// <summary>
    /// The sample machine's device sources, relative to the library folder: a name ending in '/' is a whole folder.
    /// Of Pci/ only the PCI function the e1000 sits on: the library's other PCI devices, and its other folders
    /// (Isa/, ...), are not the sample machine's and are ignored.
    /// </summary>
    public static readonly string[] DeviceSources = ["E1000/", "Pci/PciConfigCodec.cs", "Pci/PciDevice.cs", "Pci/PciIrqStateCodec.cs", "X86/"];

    // Folders (under the library) that compile together.
    private static readonly string[][] PartFolders = [["E1000/", "Pci/"], ["X86/"]];

    // The SDK's implicit usings (ImplicitUsings=enable in Directory.Build.props).
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private readonly Part[] _parts;

    private SampleDevicesBuild(IReadOnlyDictionary<string, string> files)
    {
        Files = files;
        _parts = [.. PartFolders.Select((folders, i) => new Part("SampleDevices" + i, files.Where(f => folders.Any(p => f.Key.StartsWith(p, StringComparison.Ordinal)))))];
        string[] orphans = [.. files.Keys.Where(f => !PartFolders.Any(folders => folders.Any(p => f.StartsWith(p, StringComparison.Ordinal))))];
        if (orphans.Length > 0)
        {
            throw new InvalidOperationException("device sources in no compiled part: " + string.Join(", ", orphans));
        }
    }

    /// <summary>The device sources by path relative to the library folder (<c>E1000/E1000Nic.cs</c>), '/'-separated.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>The repository's device sources, parsed.</summary>
    public static SampleDevicesBuild FromRepository()
    {
        string root = Repository.PathOf(LibraryFolder);
        var files = SourcePaths().ToDictionary(p => Path.GetRelativePath(root, p).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
        return new SampleDevicesBuild(files);
    }

    /// <summary>The full paths of the sample machine's device sources in the repository, in ordinal order.</summary>
    public static string[] SourcePaths()
    {
        string root = Repository.PathOf(LibraryFolder);
        return [.. DeviceSources
            .SelectMany(source => source.EndsWith('/')
                ? Directory.GetFiles(Path.Combine(root, source), "*.cs", SearchOption.AllDirectories)
                : [Path.Combine(root, source)])
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A baseline file for <see cref="Build"/>: an additional file the analyzer takes as a shipped schema. Its text
    /// object stays the same across builds, so the analyzer reads the JSON once (it caches by text).
    /// </summary>
    public static AdditionalText Baseline(string file, string json) => new FixedText("/baselines/" + file, SourceText.From(json));

    /// <summary>
    /// Builds the sources with <paramref name="edited"/> files (path → whole new text) in place of the originals,
    /// analyzing against <paramref name="baselines"/>, and dumps the devices under each of <paramref name="machines"/>
    /// (machine name → the device types to list, of <see cref="DumpedTypes"/>). Builds with the same baselines should
    /// pass the same list object: an unedited part's analysis is kept per list.
    /// </summary>
    public SampleDevicesBuildResult Build(
        IReadOnlyDictionary<string, string> edited,
        IReadOnlyList<AdditionalText> baselines,
        IReadOnlyDictionary<string, string[]> machines)
    {
        string[] unknown = [.. edited.Keys.Where(k => !Files.ContainsKey(k))];
        if (unknown.Length > 0)
        {
            throw new ArgumentException("no device source " + string.Join(", ", unknown), nameof(edited));
        }

        PartResult[] results = [.. _parts.Select(p => p.Build(edited, baselines))];
        var dumps = new Dictionary<string, string>(StringComparer.Ordinal);
        VmStateDescription[] descriptions = [];
        if (results.All(r => r.Descriptions is not null))
        {
            var byType = results.SelectMany(r => r.Descriptions!).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            descriptions = [.. DumpedTypes.Select(t => byType[t])];
            foreach ((string machine, string[] types) in machines)
            {
                dumps[machine] = DumpVmStateWriter.Write(machine, types.Select(t => byType[t]));
            }
        }

        return new SampleDevicesBuildResult(
            [.. results.SelectMany(r => r.GeneratorErrors)],
            [.. results.SelectMany(r => r.CompileErrors)],
            [.. results.SelectMany(r => r.Analyzer)],
            dumps,
            descriptions);
    }

    // What one part gave; Descriptions (of the dumped types it holds) is null when it does not build.
    private sealed record PartResult(
        ImmutableArray<Diagnostic> GeneratorErrors,
        ImmutableArray<Diagnostic> CompileErrors,
        ImmutableArray<Diagnostic> Analyzer,
        IReadOnlyDictionary<string, VmStateDescription>? Descriptions);

    /// <summary>Sources that compile together, with the generator driver and results of their unedited build.</summary>
    private sealed class Part
    {
        private readonly CSharpCompilation _compilation;
        private readonly GeneratorDriver _driver;
        private readonly Dictionary<string, SyntaxTree> _trees;
        private readonly Lazy<PartResult> _unedited;
        private readonly ConcurrentDictionary<IReadOnlyList<AdditionalText>, ImmutableArray<Diagnostic>> _uneditedAnalysis = new(ReferenceEqualityComparer.Instance);

        public Part(string assemblyName, IEnumerable<KeyValuePair<string, string>> files)
        {
            _trees = files.ToDictionary(f => f.Key, f => CSharpSyntaxTree.ParseText(f.Value, TestCompilation.ParseOptions, path: f.Key), StringComparer.Ordinal);
            SyntaxTree usings = CSharpSyntaxTree.ParseText(ImplicitUsings, TestCompilation.ParseOptions, path: "ImplicitUsings.g.cs");
            _compilation = TestCompilation.Create().WithAssemblyName(assemblyName).AddSyntaxTrees([usings, .. _trees.Values]);
            _driver = TestCompilation.CreateDriver().RunGenerators(_compilation);
            _unedited = new Lazy<PartResult>(() => Compile(_compilation, []), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public PartResult Build(IReadOnlyDictionary<string, string> edited, IReadOnlyList<AdditionalText> baselines)
        {
            CSharpCompilation input = _compilation;
            foreach ((string path, string text) in edited.Where(e => _trees.ContainsKey(e.Key)))
            {
                input = input.ReplaceSyntaxTree(_trees[path], CSharpSyntaxTree.ParseText(text, TestCompilation.ParseOptions, path: path));
            }

            if (ReferenceEquals(input, _compilation))
            {
                PartResult unedited = _unedited.Value;
                return unedited with { Analyzer = _uneditedAnalysis.GetOrAdd(baselines, b => Analyze(_compilation, b)) };
            }

            return Compile(input, baselines);
        }

        private PartResult Compile(CSharpCompilation input, IReadOnlyList<AdditionalText> baselines)
        {
            _driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generated);
            ImmutableArray<Diagnostic> generatorErrors = [.. generated.Where(d => d.Severity == DiagnosticSeverity.Error)];
            ImmutableArray<Diagnostic> analyzer = baselines.Count == 0 ? [] : Analyze(input, baselines);

            using var pe = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(pe);
            ImmutableArray<Diagnostic> compileErrors = [.. emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
            IReadOnlyDictionary<string, VmStateDescription>? descriptions = null;
            if (generatorErrors.IsEmpty && emitted.Success)
            {
                pe.Position = 0;
                descriptions = Load(pe);
            }

            return new PartResult(generatorErrors, compileErrors, analyzer, descriptions);
        }

        // The analyzer reads declarations only (attributes and member types), which the generated parts do not change,
        // so it runs over the input: binding the generated code's bodies as well would triple its time.
        private static ImmutableArray<Diagnostic> Analyze(CSharpCompilation input, IReadOnlyList<AdditionalText> baselines)
        {
            var provider = new TestConfigOptionsProvider(baselines.Select(b => b.Path).ToHashSet(StringComparer.Ordinal));
            return [.. input
                .WithAnalyzers([new VmStateCompatibilityAnalyzer()], new AnalyzerOptions([.. baselines], provider))
                .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
                .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ThenBy(d => d.Id, StringComparer.Ordinal)];
        }

        // Loads the assembly apart (collectible, so the many edited copies do not pile up) and takes the descriptions
        // of the dumped types it holds. The runtime assembly resolves to the one this test already has, so the
        // descriptions are of our own types and outlive the context.
        private static Dictionary<string, VmStateDescription> Load(Stream pe)
        {
            var context = new AssemblyLoadContext("sample-devices", isCollectible: true);
            try
            {
                Assembly assembly = context.LoadFromStream(pe);
                var descriptions = new Dictionary<string, VmStateDescription>(StringComparer.Ordinal);
                foreach (string name in DumpedTypes)
                {
                    if (assembly.GetType(name) is { } type)
                    {
                        PropertyInfo property = type.GetProperty("VmStateDescription", BindingFlags.Public | BindingFlags.Static)!;
                        descriptions[name] = (VmStateDescription)property.GetValue(null)!;
                    }
                }

                return descriptions;
            }
            finally
            {
                context.Unload();
            }
        }
    }

    private sealed class FixedText(string path, SourceText text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => text;
    }
}
