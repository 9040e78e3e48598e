using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using VmState.Codecs;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests;

/// <summary>
/// A value kind lives in its codec alone. Adding one is a codec file (QEMU's <c>CPU_Double_U</c>, added as
/// <c>Codecs/CpuDoubleCodec.cs</c> with no generator change, is the example) plus at most one row of
/// <see cref="CodecTable"/> to make it a C# type's default; the generator restates no kind's name or size.
/// </summary>
public sealed class ValueKindTests
{
    private static readonly Assembly Runtime = typeof(IVmStateCodec<,>).Assembly;

    public static TheoryData<string> Codecs()
    {
        var data = new TheoryData<string>();
        foreach (Type t in RuntimeCodecs())
        {
            data.Add(t.Name);
        }

        return data;
    }

    [Fact]
    public void Each_table_row_names_a_runtime_codec_of_its_type()
    {
        var compilation = TestCompilation.Create("class C { }");
        foreach (CodecRow row in CodecTable.Plain.Concat(CodecTable.Equal).Concat(CodecTable.PositiveLe))
        {
            Type? codec = Runtime.GetType("VmState.Codecs." + row.CodecClass);
            Assert.True(codec is not null, $"no codec class {row.CodecClass} in the runtime");
            INamedTypeSymbol value = compilation.GetTypeByMetadataName(ValueType(codec).FullName!)!;
            Assert.Equal(row.Type, value.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
        }
    }

    [Fact]
    public void A_table_row_is_what_makes_a_codec_a_types_default()
    {
        // One member per row, written from the table itself: the generator must pick exactly that row's codec.
        CodecRow[] rows = [.. CodecTable.Plain, .. CodecTable.Equal, .. CodecTable.PositiveLe];
        string members = string.Join("\n", rows.Select((r, i) =>
            $"[VmStateField({Option(r)})] public {r.Type} M{i};"));
        GeneratorRun run = TestCompilation.Run(Device("kinds", members));

        Assert.True(run.GeneratorDiagnostics.IsEmpty, TestCompilation.Describe(run.GeneratorDiagnostics));
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        string source = run.Source("Kinds.Dev");
        for (int i = 0; i < rows.Length; i++)
        {
            // One value at a time, or at its offset in a run of fixed-size values.
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(rows[i].Codec)}\.(Save\(ref writer|Put\(__run\d+(\[\(\d+\)\.\.\])?), this\.M{i}\);", source);
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Every_runtime_codec_works_by_name_with_no_generator_change(string codecName)
    {
        Type codec = RuntimeCodecs().Single(t => t.Name == codecName);
        string value = "global::" + ValueType(codec).FullName;
        string members = $$"""
            [VmStateField(Codec = typeof({{codec.Name}}))] public {{value}} One;
            [VmStateField(Codec = typeof({{codec.Name}}), Length = 2)] public {{value}}[] Two = new {{value}}[2];
            """;
        GeneratorRun run = TestCompilation.Run(Device("kinds", members));

        Assert.True(run.GeneratorDiagnostics.IsEmpty, TestCompilation.Describe(run.GeneratorDiagnostics));
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        string source = run.Source("Kinds.Dev");
        string q = "global::VmState.Codecs." + codec.Name;
        string element = run.Input.GetTypeByMetadataName(ValueType(codec).FullName!)!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        Assert.Contains($"{q}.Save(ref writer, this.One);", source, StringComparison.Ordinal);
        Assert.Contains($"global::VmState.Generated.CodecArrays.Save<{q}, {element}>(ref writer, ", source, StringComparison.Ordinal);
        Assert.Contains($"global::VmState.Generated.CodecArrays.Load<{q}, {element}>(ref reader, ", source, StringComparison.Ordinal);
        Assert.Contains($"TypeName = {q}.TypeName", source, StringComparison.Ordinal);
        Assert.Contains($"Size = {q}.Size", source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_codec_outside_the_runtime_is_a_complete_kind()
    {
        // Packed BCD, two digits a byte: a kind the runtime does not know, written as one class by the user.
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Kinds;

            public sealed class Bcd16Codec : IVmStateCodec<Bcd16Codec, ushort>
            {
                public static string TypeName => "bcd16";
                public static int Size => 2;
                public static void Save(ref VmStateWriter writer, ushort value) =>
                    writer.WriteUInt16((ushort)((value / 1000 << 12) | (value / 100 % 10 << 8) | (value / 10 % 10 << 4) | (value % 10)));
                public static void Load(ref VmStateReader reader, ref ushort value)
                {
                    ushort b = reader.ReadUInt16();
                    value = (ushort)((b >> 12) * 1000 + (b >> 8 & 15) * 100 + (b >> 4 & 15) * 10 + (b & 15));
                }
            }

            [VmState("rtc")]
            public partial class Rtc
            {
                [VmStateField("year", Codec = typeof(Bcd16Codec))] public ushort Year = 2024;
                [VmStateField("n")] public byte N = 2;
                [VmStateField("alarms", Codec = typeof(Bcd16Codec), Count = nameof(N))] public ushort[] Alarms = [1234, 59];
            }

            public static class Use
            {
                public static byte[] Save(Rtc rtc) => VmStateSerializer.Save(rtc);
                public static void Load(Rtc rtc, byte[] bytes) => VmStateSerializer.Load(rtc, bytes);
                public static string Describe(Rtc rtc) => VmStateSerializer.Describe(rtc);
            }
            """;
        GeneratorRun run = TestCompilation.Run(source);
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));

        Assembly assembly = GeneratedAssembly.Emit(run);
        Type rtcType = assembly.GetType("Kinds.Rtc", throwOnError: true)!;
        MethodInfo Use(string name) => assembly.GetType("Kinds.Use", throwOnError: true)!.GetMethod(name)!;

        object rtc = Activator.CreateInstance(rtcType)!;
        byte[] bytes = (byte[])Use("Save").Invoke(null, [rtc])!;
        Assert.Equal("2024021234" + "0059", Convert.ToHexString(bytes));
        Assert.Equal(
            "{\"vmsd_name\": \"rtc\", \"version\": 1, \"fields\": [{\"name\": \"year\", \"type\": \"bcd16\", \"size\": 2}, " +
            "{\"name\": \"n\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"alarms\", \"array_len\": 2, \"type\": \"bcd16\", \"size\": 2}]}",
            (string)Use("Describe").Invoke(null, [rtc])!);

        object loaded = Activator.CreateInstance(rtcType)!;
        rtcType.GetField("Year")!.SetValue(loaded, (ushort)0);
        rtcType.GetField("Alarms")!.SetValue(loaded, Array.Empty<ushort>());
        Use("Load").Invoke(null, [loaded, bytes]);
        Assert.Equal((ushort)2024, rtcType.GetField("Year")!.GetValue(loaded));
        Assert.Equal(new ushort[] { 1234, 59 }, rtcType.GetField("Alarms")!.GetValue(loaded));
    }

    [Fact]
    public void The_generator_names_no_codec_and_no_kind_outside_the_codec_table()
    {
        // What a kind is called on the wire and which class implements it is the codec's (and the table's) to say.
        string[] files = Directory.GetFiles(GeneratorDirectory(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToArray();
        Assert.Contains(files, f => Path.GetFileName(f) == "CodecTable.cs");
        // The scan must see the runtime's codecs (they are structs), or it would prove nothing.
        Assert.True(RuntimeCodecs().Count() >= 18, "found only " + RuntimeCodecs().Count() + " runtime codecs");
        foreach (string file in files.Where(f => Path.GetFileName(f) != "CodecTable.cs"))
        {
            string text = File.ReadAllText(file);
            foreach (Type codec in RuntimeCodecs())
            {
                string typeName = (string)codec.GetProperty("TypeName")!.GetValue(null)!;
                Assert.False(Regex.IsMatch(text, $@"\b{codec.Name}\b"), $"{Path.GetFileName(file)} names {codec.Name}");
                Assert.False(text.Contains("\"" + typeName + "\"", StringComparison.Ordinal), $"{Path.GetFileName(file)} spells {codec.Name}'s type name \"{typeName}\"");
            }
        }
    }

    private static IEnumerable<Type> RuntimeCodecs() => Runtime.GetExportedTypes()
        .Where(t => !t.IsInterface && !t.IsAbstract && t.GetInterfaces().Any(IsCodecInterface))
        .OrderBy(t => t.Name, StringComparer.Ordinal);

    private static bool IsCodecInterface(Type i) => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IVmStateCodec<,>);

    private static Type ValueType(Type codec) => codec.GetInterfaces().Single(IsCodecInterface).GetGenericArguments()[1];

    private static string Option(CodecRow row) =>
        CodecTable.Equal.Contains(row) ? "Equal = true" : CodecTable.PositiveLe.Contains(row) ? "PositiveLe = true" : "";

    private static string Device(string name, string members) => $$"""
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Kinds;

        [VmState("{{name}}")]
        public partial class Dev
        {
        {{members}}
        }
        """;

    private static string GeneratorDirectory([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "src", "VmState.Generators");
}
