using System.Globalization;
using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>VMS0110: a shipped field gained or lost an Exists test, which QEMU's checker does not compare.</summary>
public sealed class Vms0110Tests
{
    [Fact]
    public void Reports_a_gained_test_at_the_member()
    {
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Exists = nameof(HasB))] public ushort B;
                private bool HasB() => A != 0;
            }
            """;

        Diagnostic d = CompatibilityAnalysis.Reports("VMS0110", source, "public ushort B", Shipped.V2(), "B", "dev", "dev-2.json");
        Assert.Contains("has an Exists test", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_lost_test_at_the_member()
    {
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2, exists: true)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
            }
            """;

        Diagnostic d = CompatibilityAnalysis.Reports("VMS0110", source, "public ushort B", shipped, "B");
        Assert.Contains("lost an Exists test", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kept_test_is_clean()
    {
        var shipped = new[] { ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2, exists: true)]))) };
        string source = Shipped.Header + """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Exists = nameof(HasB))] public ushort B;
                private bool HasB() => A != 0;
            }
            """;

        CompatibilityAnalysis.Clean(source, shipped);
    }
}
