using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0109: the Since of a shipped field changed, which QEMU's checker does not see.</summary>
public sealed class Vms0109Tests
{
    [Fact]
    public void Reports_a_raised_since_at_the_member()
    {
        var shipped = new[] { ("dev-3.json", BaselineJson.File(BaselineJson.Section("dev", 3, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2, version: 2)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 3)] public ushort B;
            }
            """;

        Diagnostic d = CompatibilityAnalysis.Reports("VMS0109", source, "public ushort B", shipped, "B", "dev", "dev-3.json");
        Assert.Equal("2", d.Properties["Since"]);
    }

    [Fact]
    public void Reports_a_since_dropped_to_zero()
    {
        var shipped = new[] { ("dev-3.json", BaselineJson.File(BaselineJson.Section("dev", 3, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2, version: 2)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
            }
            """;

        CompatibilityAnalysis.Reports("VMS0109", source, "public ushort B", shipped, "B");
    }

    [Fact]
    public void Reports_a_changed_since_on_padding()
    {
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("unused", 2, version: 2)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [Unused(2)] private void Tail() { }
            }
            """;

        CompatibilityAnalysis.Reports("VMS0109", source, "[Unused(2)]", shipped, "unused");
    }

    [Fact]
    public void The_shipped_since_is_clean()
    {
        var shipped = new[] { ("dev-3.json", BaselineJson.File(BaselineJson.Section("dev", 3, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2, version: 2)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 2)] public ushort B;
            }
            """;

        CompatibilityAnalysis.Clean(source, shipped);
    }

    [Fact]
    public void A_since_change_at_or_below_the_minimum_version_is_clean()
    {
        // Every stream the code accepts (version 3 and up) carries B either way.
        var shipped = new[] { ("dev-4.json", BaselineJson.File(BaselineJson.Section("dev", 4, 3, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2, version: 2)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 4, MinimumVersion = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 3)] public ushort B;
            }
            """;

        CompatibilityAnalysis.Clean(source, shipped);
    }
}
