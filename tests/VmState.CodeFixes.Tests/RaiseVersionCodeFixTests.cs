using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>VMS0105, "raise Version and set Since".</summary>
public sealed class RaiseVersionCodeFixTests
{
    [Fact]
    public async Task Sets_since_above_the_shipped_version_and_raises_the_version_to_it()
    {
        await FixTest.Create<RaiseVersionCodeFix>("""
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField] public int {|VMS0105:D|};
            }
            """, """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField(Since = 3)] public int D;
            }
            """, BaselineJson.DevV2()).RunAsync();
    }

    [Fact]
    public async Task Raises_the_version_of_the_subsection_the_field_is_in()
    {
        var shipped = ("dev-1.json", BaselineJson.File(BaselineJson.Section("dev", 1, 1, [BaselineJson.Field("A", 4)],
            BaselineJson.Description("dev/sub", 1, 1, [BaselineJson.Field("x", 4)]))));
        await FixTest.Create<RaiseVersionCodeFix>("""
            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("x", Subsection = "dev/sub")] public int X;
                [VmStateField("y", Subsection = "dev/sub")] public int {|VMS0105:Y|};

                [Needed("dev/sub")] private bool SubNeeded() => X != 0;
            }
            """, """
            [VmState("dev")]
            [Subsection("dev/sub", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("x", Subsection = "dev/sub")] public int X;
                [VmStateField("y", Subsection = "dev/sub", Since = 2)] public int Y;

                [Needed("dev/sub")] private bool SubNeeded() => X != 0;
            }
            """, shipped).RunAsync();
    }

    [Fact]
    public async Task Fix_all_raises_the_version_once_above_every_release()
    {
        // Two releases shipped; each new field is reported against both, and must come after the newer one.
        var v1 = ("dev-1.json", BaselineJson.File(BaselineJson.Section("dev", 1, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2)])));
        var v2 = BaselineJson.DevV2();
        var test = FixTest.Create<RaiseVersionCodeFix>("""
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField] public int {|VMS0105:{|VMS0105:D|}|};
                [VmStateField] public long {|VMS0105:{|VMS0105:E|}|};
            }
            """, """
            [VmState("dev", Version = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField(Since = 3)] public int D;
                [VmStateField(Since = 3)] public long E;
            }
            """, v1, v2);
        test.NumberOfFixAllIterations = 1;
        // One at a time: the first fix of D meets the older release only, so a second one follows; E likewise.
        test.NumberOfIncrementalIterations = 4;
        await test.RunAsync();
    }

    [Fact]
    public async Task Is_not_offered_for_a_member_carrying_several_fields()
    {
        // Two fields reached by Path share the member the diagnostic names; which one is new it does not say.
        const string source = """
            public struct Pair { public int X; public int Y; }

            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField("p.x", Path = ".X")][VmStateField("p.y", Path = ".Y")] public Pair {|VMS0105:{|VMS0105:P|}|};
            }
            """;
        await FixTest.Create<RaiseVersionCodeFix>(source, source, BaselineJson.DevV2()).RunAsync();
    }
}
