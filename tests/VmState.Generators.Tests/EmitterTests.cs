using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis;
using VmState.Codecs;
using VmState.Description;
using VmState.Generators.Model;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests;

/// <summary>The emitter is a pure function of a spec: hand-built specs, no symbols involved.</summary>
public sealed class EmitterTests
{
    private const string RegsSource = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Hand;

        [VmState("regs", Version = 2, MinimumVersion = 1)]
        public partial struct Regs
        {
            [VmStateField("ctrl")] public uint Ctrl;
            [Unused(4, Since = 2)]
            [VmStateField("words", Length = 2)] public ushort[] Words;
            [PostLoad] private void AfterLoad(int versionId) { }
        }
        """;

    private static TypeSpec RegsSpec() => new()
    {
        Namespace = "Hand",
        ContainingTypes = EquatableArray<string>.Empty,
        Declaration = "partial struct Regs",
        FullyQualifiedName = "global::Hand.Regs",
        HintName = "Hand.Regs.VmState.g.cs",
        IsValueType = true,
        Description = new DescriptionSpec
        {
            Name = "regs",
            Version = 2,
            MinimumVersion = 1,
            PostLoad = new HookSpec("AfterLoad", TakesVersion: true, ReturnsBool: false),
            Fields = new[]
            {
                new FieldSpec
                {
                    Kind = FieldKind.Value, Shape = FieldShape.Single, Name = "ctrl", VmDescriptionName = "ctrl", MemberName = "Ctrl",
                    CanWrite = true, ElementType = "uint", ElementIsValueType = true, Codec = "global::VmState.Codecs.UInt32Codec",
                    ValueSize = 4, FixedCodec = true,
                },
                new FieldSpec
                {
                    Kind = FieldKind.Unused, Shape = FieldShape.Single, Name = "unused", VmDescriptionName = "unused", Since = 2, Length = 4,
                },
                new FieldSpec
                {
                    Kind = FieldKind.Value, Shape = FieldShape.Fixed, Name = "words", VmDescriptionName = "words", MemberName = "Words",
                    CanWrite = true, Length = 2, ElementType = "ushort", ElementIsValueType = true, Codec = "global::VmState.Codecs.UInt16Codec",
                    ValueSize = 2, FixedCodec = true,
                },
            }.ToEquatableArray(),
        },
        Subsections = EquatableArray<DescriptionSpec>.Empty,
    };

    [Fact]
    public void A_hand_built_spec_emits_the_golden_text_and_compiles()
    {
        string text = VmStateGenerator.Emitter.Emit(RegsSpec());

        GoldenFile.Verify("Emitter.Regs", text);
        AssertCompiles(text, "namespace Hand; public partial struct Regs { public uint Ctrl; public ushort[] Words; private void AfterLoad(int versionId) { } }");
    }

    [Fact]
    public void The_parser_builds_the_same_spec_and_the_generator_the_same_text()
    {
        GeneratorRun run = TestCompilation.Run(RegsSource);
        TypeSpec parsed = Assert.IsType<TypeSpec>(Assert.Single(run.Result.Results.Single().TrackedSteps[TrackingNames.Specs]).Outputs.Single().Value);

        Assert.Equal(RegsSpec(), parsed);
        Assert.Equal(VmStateGenerator.Emitter.Emit(RegsSpec()), run.Source("Hand.Regs"));
    }

    [Fact]
    public void A_change_in_the_spec_changes_the_text()
    {
        TypeSpec spec = RegsSpec();
        TypeSpec renamed = spec with { Description = spec.Description with { Name = "regs2", Version = 3 } };

        string before = VmStateGenerator.Emitter.Emit(spec);
        string after = VmStateGenerator.Emitter.Emit(renamed);

        Assert.NotEqual(before, after);
        Assert.Contains("\"regs2\"", after, StringComparison.Ordinal);
        Assert.Contains("if (versionId > 3 || versionId < 1)", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_bodies_in_the_global_namespace_inside_a_containing_type_compile()
    {
        var spec = new TypeSpec
        {
            Namespace = "",
            ContainingTypes = new List<string> { "partial class Outer" }.ToEquatableArray(),
            Declaration = "partial class Empty",
            FullyQualifiedName = "global::Outer.Empty",
            HintName = "Outer.Empty.VmState.g.cs",
            IsValueType = false,
            Description = new DescriptionSpec { Name = "empty", Version = 0, MinimumVersion = 0, Fields = EquatableArray<FieldSpec>.Empty },
            Subsections = new[]
            {
                new DescriptionSpec
                {
                    Name = "empty/sub", Version = 1, MinimumVersion = 1, Fields = EquatableArray<FieldSpec>.Empty,
                    Needed = new HookSpec("SubNeeded", TakesVersion: false, ReturnsBool: true),
                },
            }.ToEquatableArray(),
            Unmigratable = true,
            EarlySetup = true,
            DeviceType = "empty-device",
        };

        string text = VmStateGenerator.Emitter.Emit(spec);

        Assert.DoesNotContain("namespace", text, StringComparison.Ordinal);
        Assert.Contains("ImmutableArray<global::VmState.Description.VmStateFieldDescription>.Empty", text, StringComparison.Ordinal);
        Assert.Contains("DeviceType = \"empty-device\"", text, StringComparison.Ordinal);
        AssertCompiles(text, "public partial class Outer { public partial class Empty { private bool SubNeeded() => false; } }");
    }

    [Fact]
    public void A_nested_subsection_is_saved_loaded_and_described_by_its_parent_only()
    {
        static DescriptionSpec Sub(string name, string? parent) => new()
        {
            Name = name, Parent = parent, Version = 1, MinimumVersion = 1, Fields = EquatableArray<FieldSpec>.Empty,
        };

        var spec = new TypeSpec
        {
            Namespace = "",
            ContainingTypes = EquatableArray<string>.Empty,
            Declaration = "partial class Tree",
            FullyQualifiedName = "global::Tree",
            HintName = "Tree.VmState.g.cs",
            IsValueType = false,
            Description = new DescriptionSpec { Name = "t", Version = 1, MinimumVersion = 1, Fields = EquatableArray<FieldSpec>.Empty },
            Subsections = new[] { Sub("t/a", null), Sub("t/a/b", "t/a"), Sub("t/c", null) }.ToEquatableArray(),
        };

        string text = VmStateGenerator.Emitter.Emit(spec);

        Assert.Contains("__subsectionNames = new string[] { \"t/a\", \"t/c\" };", text, StringComparison.Ordinal);
        Assert.Contains("__subsectionNames_a = new string[] { \"t/a/b\" };", text, StringComparison.Ordinal);
        Assert.Contains("__e.PrependSubsection(\"b\");", text, StringComparison.Ordinal);
        Assert.Contains("TryReadHeader(ref reader, \"t/a\", __subsectionNames_a,", text, StringComparison.Ordinal);
        Assert.DoesNotContain("__subsectionNames_a_b", text, StringComparison.Ordinal);
        Assert.DoesNotContain("__subsectionNames_c", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("SaveSubsection_a_b(ref writer);").Length);
        AssertCompiles(text, "public partial class Tree { }");
    }

    private static void AssertCompiles(string generated, string declaration)
    {
        CSharpCompilation compilation = TestCompilation.Create(declaration).AddSyntaxTrees(
            CSharpSyntaxTree.ParseText(generated, TestCompilation.ParseOptions, path: "Generated.cs"));
        Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, TestCompilation.Describe(errors));
    }
}
