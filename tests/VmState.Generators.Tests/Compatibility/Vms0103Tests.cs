using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0103: a shipped field is missing, renamed or moved.</summary>
public sealed class Vms0103Tests
{
    [Fact]
    public void Reports_a_field_of_another_size_in_the_place_of_a_shipped_one_at_the_member()
    {
        // Not a rename (VMS0108): the bytes in B's place differ.
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("C")] public uint Other;
            }
            """;

        Diagnostic d = CompatibilityAnalysis.Reports("VMS0103", source, "public uint Other", Shipped.V2(), "B", "C", "dev");
        Assert.Equal("B", d.Properties["ShippedName"]);
        Assert.Equal("2", d.Properties["Bytes"]);
        Assert.Equal("Other", d.Properties["Before"]);
    }

    [Fact]
    public void Reports_a_removed_field_at_the_member_now_in_its_place()
    {
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2), BaselineJson.Field("C", 1)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public byte C;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0103", source, "public byte C", shipped, "B", "C");
    }

    [Fact]
    public void Reports_swapped_fields_once()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public ushort B;
                [VmStateField] public int A;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0103", source, "public ushort B", Shipped.V2(), "A", "B");
    }

    [Fact]
    public void Reports_a_list_that_ends_early_at_the_type_attribute()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0103", source, "[VmState(\"dev\"", Shipped.V2(), "B", "the end of the field list");
    }

    [Fact]
    public void A_value_turned_into_padding_of_the_same_size_is_fine()
    {
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("unused", 2)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [Unused(2)] private byte _gone;
            }
            """;

        CompatibilityAnalysis.Clean(source, shipped);
    }
}
