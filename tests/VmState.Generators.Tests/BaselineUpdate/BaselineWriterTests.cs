using System.Reflection;
using VmState.Description;
using VmState.Generators.BaselineUpdate;
using VmState.Generators.Tests.TestSupport;
using VmState.Schema;

namespace VmState.Generators.Tests.BaselineUpdate;

/// <summary>
/// The entries a baseline update writes are what the runtime's <see cref="DumpVmStateWriter"/> writes for the same
/// types, byte for byte: for every [VmState] type of the golden sources and of the sample machine, the entry read back
/// from the generated assembly's metadata against the runtime writer over the type's generated description.
/// </summary>
public sealed class BaselineWriterTests
{
    public static TheoryData<string> Sets() => ["Scalars", "Arrays", "Nested", "Hooked", "NestedSubsections", "SampleMachine"];

    [Theory]
    [MemberData(nameof(Sets))]
    public void Every_entry_is_what_the_runtime_dump_writer_writes_for_the_type(string set)
    {
        GeneratorRun run = set == "SampleMachine" ? BaselineRun.SampleMachine : BaselineRun.Run(GoldenSource(set));
        List<BaselineEntry> entries = BaselineRun.Entries(run);
        Dictionary<string, VmStateDescription> described = Descriptions(GeneratedAssembly.Emit(run));

        Assert.Equal(described.Keys.Order(StringComparer.Ordinal), entries.Select(e => e.TypeName).Distinct().Order(StringComparer.Ordinal));
        foreach ((string type, VmStateDescription description) in described)
        {
            // As sections of their own, so that the merge writes them.
            BaselineEntry[] own = [.. entries.Where(e => e.TypeName == type).Select(e => new BaselineEntry(e.Key, e.TypeName, isSection: true, e.Json, e.Problem))];
            Assert.All(own, e => Assert.Null(e.Problem));
            Assert.Equal(description.DumpKeys.Order(StringComparer.Ordinal), own.Select(e => e.Key).Order(StringComparer.Ordinal));
            string expected = DumpVmStateWriter.Write("m", [description]);

            // Over the runtime's own file, every entry is replaced by an equal text.
            BaselineMerge over = BaselineFile.Update(expected, "f.json", own, "m");
            Assert.Empty(over.Kept);
            Assert.Equal(own.Length, over.Written);
            Assert.Equal(expected, over.Text);

            // A new file is the runtime's file, machine entry and all, when the keys are in key order (as new keys come).
            if (description.DumpKeys.SequenceEqual(description.DumpKeys.Order(StringComparer.Ordinal)))
            {
                Assert.Equal(expected, BaselineFile.Update(null, "f.json", own, "m").Text);
            }
        }
    }

    [Fact]
    public void A_description_under_several_keys_has_an_entry_under_each()
    {
        List<BaselineEntry> entries = BaselineRun.Entries(BaselineRun.Run(GoldenSource("Hooked")));

        Assert.Equal(["hooked-dev", "kvm-hooked-dev"], entries.Select(e => e.Key));
        Assert.All(entries, e => Assert.Contains("\"Name\": \"" + e.Key + "\"", e.Json, StringComparison.Ordinal));
    }

    [Fact]
    public void The_sample_machine_sections_are_its_devices_and_the_nested_types_are_not()
    {
        List<BaselineEntry> entries = BaselineRun.Entries(BaselineRun.SampleMachine);

        Assert.Equal(["cpu", "cpu_common", "e1000"], entries.Where(e => e.IsSection).Select(e => e.Key));
        Assert.Contains(entries, e => e.Key == "PCIDevice" && !e.IsSection);
        Assert.Contains(entries, e => e.Key == "segment" && !e.IsSection);
        // In key order, as the generated attributes are.
        Assert.Equal(entries.Select(e => e.Key).Order(StringComparer.Ordinal), entries.Select(e => e.Key));
    }

    [Fact]
    public void An_update_from_the_sample_machine_leaves_its_shipped_baseline_byte_identical()
    {
        string path = Repository.PathOf("src/VmState.Qemu/vmstate/shipped.json");
        string shipped = File.ReadAllText(path);
        List<BaselineEntry> entries = BaselineRun.Entries(BaselineRun.SampleMachine);

        BaselineMerge update = BaselineFile.Update(shipped, path, entries, "unused");

        Assert.Empty(update.Errors);
        Assert.Empty(update.Kept);
        Assert.Equal(3, update.Written);
        Assert.Equal(shipped, update.Text);
    }

    [Fact]
    public void A_user_codec_size_is_read_when_it_is_a_constant_expression()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            public static class Widths { public const int Word = 4; }

            public readonly struct PairCodec : IVmStateCodec<PairCodec, long>
            {
                public static string TypeName => "pair";
                public static int Size => Widths.Word * 2;
                public static void Save(ref VmStateWriter writer, long value) => writer.WriteUInt64((ulong)value);
                public static void Load(ref VmStateReader reader, ref long value) => value = (long)reader.ReadUInt64();
            }

            public readonly struct BlockCodec : IVmStateCodec<BlockCodec, int>
            {
                public static string TypeName => "block";
                public static int Size { get { return 4; } }
                public static void Save(ref VmStateWriter writer, int value) => writer.WriteUInt32((uint)value);
                public static void Load(ref VmStateReader reader, ref int value) => value = (int)reader.ReadUInt32();
            }

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField("p", Codec = typeof(PairCodec))] public long P;
                [VmStateField("b", Length = 2, Codec = typeof(BlockCodec))] public int[] B = new int[2];
            }
            """;

        BaselineEntry entry = Assert.Single(BaselineRun.Entries(BaselineRun.Run(source)));

        Assert.Null(entry.Problem);
        Assert.Contains("\"field\": \"p\",\n          \"version_id\": 0,\n          \"field_exists\": false,\n          \"size\": 8", entry.Json, StringComparison.Ordinal);
        Assert.Contains("\"num\": 2,\n          \"size\": 4", entry.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_codec_size_only_known_at_run_time_is_a_problem_naming_the_field()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            public readonly struct RuntimeCodec : IVmStateCodec<RuntimeCodec, int>
            {
                public static string TypeName => "rt";
                public static int Size => System.Environment.ProcessorCount > 0 ? 4 : 8;
                public static void Save(ref VmStateWriter writer, int value) => writer.WriteUInt32((uint)value);
                public static void Load(ref VmStateReader reader, ref int value) => value = (int)reader.ReadUInt32();
            }

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField("a")] public uint A;
                [VmStateField("r", Codec = typeof(RuntimeCodec))] public int R;
            }
            """;

        BaselineEntry entry = Assert.Single(BaselineRun.Entries(BaselineRun.Run(source)));

        Assert.Null(entry.Json);
        Assert.Equal("field 'r' of 'dev': the size of its codec Tests.RuntimeCodec is not known at build time (make its Size a constant expression in this compilation)", entry.Problem);
    }

    [Fact]
    public void A_nested_type_of_another_assembly_is_a_problem_naming_the_field()
    {
        const string library = """
            using VmState.Description;

            namespace Lib;

            [VmState("point")]
            public partial struct Point
            {
                [VmStateField("x")] public int X;
            }
            """;
        GeneratorRun lib = TestCompilation.Run(library);
        Assert.True(lib.OutputErrors.IsEmpty, TestCompilation.Describe(lib.OutputErrors));
        using var image = new MemoryStream();
        Assert.True(lib.Output.WithAssemblyName("Lib").Emit(image).Success);
        var compilation = TestCompilation.Create("""
            using VmState.Description;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField("origin")] public Lib.Point Origin;
            }
            """).AddReferences(Microsoft.CodeAnalysis.MetadataReference.CreateFromImage(image.ToArray()));

        GeneratorRun run = TestCompilation.Run(TestCompilation.CreateDriver(TestGlobalOptionsProvider.UpdateBaseline()), compilation);
        BaselineEntry entry = Assert.Single(BaselineRun.Entries(run));

        Assert.True(entry.IsSection);
        Assert.Equal("field 'origin' of 'dev': its type Lib.Point is not a [VmState] type of this compilation", entry.Problem);
    }

    private static string GoldenSource(string name) => (string)typeof(GoldenSources).GetField(name)!.GetValue(null)!;

    // Every generated type's description by its C# name (Outer.Inner for nested types).
    private static Dictionary<string, VmStateDescription> Descriptions(Assembly assembly) => assembly.GetTypes()
        .Select(t => (Type: t, Property: t.GetProperty("VmStateDescription", BindingFlags.Public | BindingFlags.Static)))
        .Where(p => p.Property?.PropertyType == typeof(VmStateDescription))
        .ToDictionary(p => p.Type.FullName!.Replace('+', '.'), p => (VmStateDescription)p.Property!.GetValue(null)!, StringComparer.Ordinal);
}
