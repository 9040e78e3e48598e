using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VmState.Description;
using VmState.Generators;
using VmState.Wire;

namespace VmState.CodeFixes.Tests;

/// <summary>
/// What the "keep its bytes as [Unused]" fix writes puts the shipped layout back on the wire: the generator accepts
/// padding before a member and on a trailing method, and saves zeros of the removed fields' sizes in their places.
/// </summary>
public sealed class PaddingWireTests
{
    [Fact]
    public void Fixed_device_saves_the_shipped_layout_and_loads_a_shipped_stream()
    {
        // dev v2 shipped A (int32), B (uint16), C (uint8, since 2), D (int32); B and D were removed, then fixed.
        IVmStateObject dev = Build("""
            using VmState.Description;

            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [Unused(2)] [VmStateField(Since = 2)] public byte C;

                [Unused(4)]
                private void ShippedPadding_D()
                {
                }
            }
            """, "Dev");
        Set(dev, "A", 0x01020304);
        Set(dev, "C", (byte)7);

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output);
        dev.SaveVmState(ref writer);
        writer.Flush();
        Assert.Equal("01020304" + "0000" + "07" + "00000000", Convert.ToHexString(output.WrittenSpan));

        // A stream of the shipped release, with values where the padding now is, loads around them.
        var reader = new VmStateReader(Convert.FromHexString("0A0B0C0D" + "BEEF" + "2A" + "11223344"));
        dev.LoadVmState(ref reader, versionId: 2);
        Assert.True(reader.End);
        Assert.Equal(0x0A0B0C0D, Get(dev, "A"));
        Assert.Equal((byte)0x2A, Get(dev, "C"));
    }

    private static IVmStateObject Build(string source, string typeName)
    {
        var compilation = CSharpCompilation.Create("Fixed",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(VmStateAttribute).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        CSharpGeneratorDriver.Create(new VmStateGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out var diagnostics);
        Assert.Empty(diagnostics);
        using var pe = new MemoryStream();
        var emitted = output.Emit(pe);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        Type type = Assembly.Load(pe.ToArray()).GetType(typeName)!;
        return (IVmStateObject)Activator.CreateInstance(type)!;
    }

    private static void Set(object o, string field, object value) => o.GetType().GetField(field)!.SetValue(o, value);

    private static object? Get(object o, string field) => o.GetType().GetField(field)!.GetValue(o);
}
