using VmState.Codecs;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;
using VmState.Wire;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0010: a Codec that does not read and write the member's type.</summary>
public sealed class Vms0010Tests
{
    private const string Codec = """
        public struct Rgb
        {
            public byte R;
            public byte G;
            public byte B;
        }

        public sealed class RgbCodec : IVmStateCodec<RgbCodec, Rgb>
        {
            public static string TypeName => "rgb";
            public static int Size => 3;

            public static void Save(ref VmStateWriter writer, Rgb value)
            {
                UInt8Codec.Save(ref writer, value.R);
                UInt8Codec.Save(ref writer, value.G);
                UInt8Codec.Save(ref writer, value.B);
            }

            public static void Load(ref VmStateReader reader, ref Rgb value)
            {
                UInt8Codec.Load(ref reader, ref value.R);
                UInt8Codec.Load(ref reader, ref value.G);
                UInt8Codec.Load(ref reader, ref value.B);
            }
        }
        """;

    private static string Device(string member) => $$"""
        using VmState.Codecs; using VmState.Description; using VmState.Wire;
        using VmState.Codecs;

        namespace Tests;

        {{Codec}}

        [VmState("dev")]
        public partial class Dev
        {
            {{member}}
        }
        """;

    [Theory]
    [InlineData("[VmStateField(Codec = typeof(UInt32Codec))] public ushort Bad;", "VmState.Codecs.UInt32Codec", "ushort")]
    [InlineData("[VmStateField(Codec = typeof(RgbCodec))] public uint Bad;", "Tests.RgbCodec", "uint")]
    [InlineData("[VmStateField(Codec = typeof(RgbCodec), Length = 2)] public uint[] Bad = new uint[2];", "Tests.RgbCodec", "uint")]
    [InlineData("[VmStateField(Codec = typeof(string))] public Rgb Bad;", "string", "Tests.Rgb")]
    public void Reports_a_codec_of_another_type(string member, string codec, string valueType)
    {
        DiagnosticAssert.Reports("VMS0010", Device(member), "Bad", codec, "Bad");
        Assert.Contains("IVmStateCodec<" + codec + ", " + valueType + ">", TestCompilation.Run(Device(member)).GeneratorDiagnostics[0].GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[VmStateField(Codec = typeof(RgbCodec))] public Rgb Color;")]
    [InlineData("[VmStateField(Codec = typeof(RgbCodec), Length = 2)] public Rgb[] Palette = new Rgb[2];")]
    [InlineData("[VmStateField(Codec = typeof(UInt32Codec))] public uint Plain;")]
    public void Does_not_report_a_codec_of_the_member_type(string member)
    {
        DiagnosticAssert.Clean(Device(member));
    }
}
