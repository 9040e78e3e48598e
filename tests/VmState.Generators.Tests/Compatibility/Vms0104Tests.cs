using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0104: a shipped field changed size or element count.</summary>
public sealed class Vms0104Tests
{
    [Fact]
    public void Reports_a_wider_type_at_the_member()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public uint B;
            }
            """;

        Diagnostic d = CompatibilityAnalysis.Reports("VMS0104", source, "public uint B", Shipped.V2(), "B", "dev", "dev-2.json");
        Assert.Contains("size = 4 but shipped with size = 2", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_longer_array_at_the_member()
    {
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("R", 4, num: 4)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField(Length = 8)] public int[] R = new int[8];
            }
            """;

        Diagnostic d = CompatibilityAnalysis.Reports("VMS0104", source, "public int[] R", shipped, "R");
        Assert.Contains("num = 8 but shipped with num = 4", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_resized_buffer_and_padding()
    {
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("Mac", 6), BaselineJson.Field("unused", 2)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField(Length = 8)] public byte[] Mac = new byte[8];
                [Unused(4)] private byte _pad;
            }
            """;

        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run([source], shipped);
        Assert.Equal(["VMS0104", "VMS0104"], diagnostics.Select(d => d.Id));
        Assert.Equal(TestCompilation.LineOf(source, "public byte[] Mac"), diagnostics[0].Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(TestCompilation.LineOf(source, "[Unused(4)]"), diagnostics[1].Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void An_enum_and_an_equal_field_of_the_shipped_width_are_fine()
    {
        string source = Shipped.Header + """
            public enum Mode : ushort { Off, On }

            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField(Equal = true)] public int A;
                [VmStateField] public Mode B;
            }
            """;

        CompatibilityAnalysis.Clean(source, Shipped.V2());
    }

    [Fact]
    public void Reports_a_change_inside_a_nested_struct_at_the_struct_member()
    {
        string inner = BaselineJson.Description("inner", 1, 1, [BaselineJson.Field("X", 2)]);
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("In", 2, nested: inner)]))) };
        string source = Shipped.Header + """
            [VmState("inner", Version = 1)]
            public partial struct Inner
            {
                [VmStateField] public uint X;
            }

            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public Inner In;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0104", source, "public Inner In", shipped, "X", "inner");
    }

    [Fact]
    public void Reports_a_user_codec_whose_constant_size_differs_from_the_shipped_one()
    {
        string source = Shipped.Header + """
            using VmState.Codecs;
            using VmState.Wire;

            public readonly struct Wide : IVmStateCodec<Wide, ushort>
            {
                public static string TypeName => "wide";
                public static int Size => 2 * 2;
                public static void Save(ref VmStateWriter writer, ushort value) => writer.WriteUInt32(value);
                public static void Load(ref VmStateReader reader, ref ushort value) => value = (ushort)reader.ReadUInt32();
            }

            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Codec = typeof(Wide))] public ushort B;
            }
            """;

        Diagnostic d = CompatibilityAnalysis.Reports("VMS0104", source, "public ushort B", Shipped.V2(), "B", "dev");
        Assert.Contains("size = 4 but shipped with size = 2", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
