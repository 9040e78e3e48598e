using System.Reflection;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests;

/// <summary>
/// Generated code reads like code written by hand: plain literals, named enum members, methods named after what they
/// save, metadata that states only what differs from the runtime's defaults, no bookkeeping that is not needed.
/// </summary>
public sealed class ReadableOutputTests
{
    private const string Defaults = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Kinds;

        public enum Mode : ushort { Off = 0, On = 0x1234 }

        public enum Level : sbyte { Low = -1, High = 1 }

        [VmState("defaults", Version = 2)]
        public partial class Defaults
        {
            [VmStateField(Since = 2, Default = 7)] public byte U8;
            [VmStateField(Since = 2, Default = -1)] public sbyte I8;
            [VmStateField(Since = 2, Default = -2)] public short I16;
            [VmStateField(Since = 2, Default = 9)] public ushort U16;
            [VmStateField(Since = 2, Default = -1)] public int I32;
            [VmStateField(Since = 2, Default = 5)] public uint U32;
            [VmStateField(Since = 2, Default = -1)] public uint AllOnes;
            [VmStateField(Since = 2, Default = -1)] public long I64;
            [VmStateField(Since = 2, Default = ulong.MaxValue)] public ulong U64;
            [VmStateField(Since = 2, Default = 2)] public double Whole;
            [VmStateField(Since = 2, Default = 0.25)] public double Quarter;
            [VmStateField(Since = 2, Default = double.NaN)] public double NotANumber;
            [VmStateField(Since = 2, Default = true)] public bool Flag;
            [VmStateField(Since = 2, Default = Mode.On)] public Mode Named;
            [VmStateField(Since = 2, Default = 5)] public Mode Unnamed;
            [VmStateField(Since = 2, Default = -2)] public Level Negative;
            [VmStateField(Since = 2, Default = -1)] public Mode Wrapped;
            [VmStateField(Since = 2, Default = 7, Length = 2, AsArray = true)] public byte[] Bytes = new byte[2];
            [VmStateField(Since = 2, Default = Mode.On, Length = 2)] public Mode[] Modes = new Mode[2];
        }

        public static class Use
        {
            public static void Reset(Defaults d) => d.ResetVmState();
        }
        """;

    [Theory]
    [InlineData("this.U8 = (byte)7;")]
    [InlineData("this.I8 = (sbyte)-1;")]
    [InlineData("this.I16 = (short)-2;")]
    [InlineData("this.U16 = (ushort)9;")]
    [InlineData("this.I32 = -1;")]
    [InlineData("this.U32 = 5u;")]
    [InlineData("this.AllOnes = unchecked((uint)-1);")]
    [InlineData("this.I64 = -1L;")]
    [InlineData("this.U64 = 18446744073709551615UL;")]
    [InlineData("this.Whole = 2d;")]
    [InlineData("this.Quarter = 0.25;")]
    [InlineData("this.NotANumber = double.NaN;")]
    [InlineData("this.Flag = true;")]
    [InlineData("this.Named = global::Kinds.Mode.On;")]
    [InlineData("this.Unnamed = (global::Kinds.Mode)(5);")]
    [InlineData("this.Negative = (global::Kinds.Level)(-2);")]
    [InlineData("this.Wrapped = unchecked((global::Kinds.Mode)(-1));")]
    [InlineData("global::VmState.Generated.VmStateSpans.Reset(__bytes, 0, 2, (byte)7);")]
    [InlineData("global::VmState.Generated.VmStateSpans.Reset(__modes, 0, 2, global::Kinds.Mode.On);")]
    public void A_default_is_a_plain_literal_of_the_members_type(string line)
    {
        GeneratorRun run = TestCompilation.Run(Defaults);

        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        Assert.Contains(line, run.Source("Kinds.Defaults"), StringComparison.Ordinal);
        Assert.DoesNotContain("unchecked((bool)", run.Source("Kinds.Defaults"), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_take_the_values_they_spell()
    {
        Assembly assembly = GeneratedAssembly.Emit(TestCompilation.Run(Defaults));
        Type type = assembly.GetType("Kinds.Defaults", throwOnError: true)!;
        object d = Activator.CreateInstance(type)!;
        assembly.GetType("Kinds.Use", throwOnError: true)!.GetMethod("Reset")!.Invoke(null, [d]);

        object? Field(string name) => type.GetField(name)!.GetValue(d);
        Assert.Equal((byte)7, Field("U8"));
        Assert.Equal((sbyte)-1, Field("I8"));
        Assert.Equal(uint.MaxValue, Field("AllOnes"));
        Assert.Equal(ulong.MaxValue, Field("U64"));
        Assert.Equal(2.0, Field("Whole"));
        Assert.True(double.IsNaN((double)Field("NotANumber")!));
        Assert.Equal("On", Field("Named")!.ToString());
        Assert.Equal(5, Convert.ToInt32(Field("Unnamed"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0xffff, Convert.ToInt32(Field("Wrapped"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new byte[] { 7, 7 }, Field("Bytes"));
    }

    [Theory]
    [InlineData("Priority = MigrationPriority.Iommu", "Priority = global::VmState.Description.MigrationPriority.Iommu,")]
    [InlineData("Priority = (MigrationPriority)9", "Priority = (global::VmState.Description.MigrationPriority)9,")]
    public void A_priority_is_named_by_its_member(string option, string line)
    {
        GeneratorRun run = TestCompilation.Run(Device($"[VmState(\"dev\", {option})]", "[VmStateField] public uint A;"));

        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        Assert.Contains(line, run.Source("Kinds.Dev"), StringComparison.Ordinal);
    }

    [Fact]
    public void Methods_are_named_after_the_subsections_they_save()
    {
        GeneratorRun run = TestCompilation.Run(Device(
            "[VmState(\"dev\")] [Subsection(\"dev/mit-state\")] [Subsection(\"dev/mit_state\")] [Subsection(\"dev/mit-state/inner\", Parent = \"dev/mit-state\")]",
            """
            [VmStateField] public uint A;
            [VmStateField(Subsection = "dev/mit-state")] public uint B;
            [VmStateField(Subsection = "dev/mit_state")] public uint C;
            [VmStateField(Subsection = "dev/mit-state/inner")] public uint D;
            """));

        Assert.True(run.GeneratorDiagnostics.IsEmpty, TestCompilation.Describe(run.GeneratorDiagnostics));
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        string source = run.Source("Kinds.Dev");
        foreach (string method in new[] { "SaveFields", "LoadFields", "DescribeFields", "SaveSubsection_mit_state", "LoadSubsection_mit_state_2", "DescribeSubsection_mit_state_inner" })
        {
            Assert.Contains($" {method}(", source, StringComparison.Ordinal);
        }

        Assert.Contains("__subsectionHeader_mit_state => new byte[] { (byte)global::VmState.Wire.QemuSectionType.Subsection, 0x0d,", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Locals_of_members_whose_names_meet_are_numbered()
    {
        // Items' count local would be __itemsCount, which is also ItemsCount's own local.
        GeneratorRun run = TestCompilation.Run(Device("[VmState(\"dev\")]", """
            [VmStateField] public byte N;
            [VmStateField(Count = nameof(N))] public ushort[] Items = [];
            [VmStateField] public Level ItemsCount { get; set; }
            [VmStateField] public Level Field { get; set; }
            """));

        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        string source = run.Source("Kinds.Dev");
        Assert.DoesNotContain("__itemsCount", source, StringComparison.Ordinal);
        Assert.Contains("int __m1_Count = ", source, StringComparison.Ordinal);
        Assert.DoesNotContain("sbyte __field ", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Scalars")]
    [InlineData("Arrays")]
    [InlineData("Nested")]
    [InlineData("Hooked")]
    [InlineData("NestedSubsections")]
    public void No_bookkeeping_or_metadata_that_says_nothing(string sourceName)
    {
        GeneratorRun run = TestCompilation.Run(GoldenSourceNamed(sourceName));

        foreach (string source in run.Sources.Values)
        {
            foreach (string noise in new[]
            {
                "__index", "__field = -1;", "Version = 0,", "Version = 0 ", "HasExists = false", "HasNeeded = false", "Length = null",
                "CountField = null", "Start = 0,", "Start = 0 ", "Nested = null", "Unmigratable = false", "EarlySetup = false",
                "DeviceType = null", "ExplicitDumpSize = 0", "(global::VmState.Description.MigrationPriority)0", "unchecked((",
                "Kind = global::VmState.Description.VmStateFieldKind.Value", "TypeName = global::VmState.Description.VmStateTypeNames",
                "{ 0x05,",
            })
            {
                Assert.DoesNotContain(noise, source, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_layout_kind_names_its_type_by_default()
    {
        Assert.Equal(VmStateTypeNames.Buffer, new VmStateFieldDescription { Name = "b", Kind = VmStateFieldKind.Buffer }.TypeName);
        Assert.Equal(VmStateTypeNames.UnusedBuffer, new VmStateFieldDescription { Name = "u", Kind = VmStateFieldKind.Unused }.TypeName);
        Assert.Equal(VmStateTypeNames.Struct, new VmStateFieldDescription { Name = "s", Kind = VmStateFieldKind.Struct }.TypeName);
        Assert.Equal(VmStateTypeNames.Tmp, new VmStateFieldDescription { Name = "t", Kind = VmStateFieldKind.Tmp }.TypeName);
        Assert.Equal(VmStateTypeNames.Validate, new VmStateFieldDescription { Name = "v", Kind = VmStateFieldKind.Validate }.TypeName);
        Assert.Equal("uint32", new VmStateFieldDescription { Name = "x", TypeName = "uint32" }.TypeName);
    }

    private static string Device(string attributes, string members) => $$"""
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Kinds;

        public enum Level : sbyte { Low = -1, High = 1 }

        {{attributes}}
        public partial class Dev
        {
        {{members}}
        }
        """;

    private static string GoldenSourceNamed(string name) => name switch
    {
        "Scalars" => GoldenSources.Scalars,
        "Arrays" => GoldenSources.Arrays,
        "Nested" => GoldenSources.Nested,
        "Hooked" => GoldenSources.Hooked,
        _ => GoldenSources.NestedSubsections,
    };
}
