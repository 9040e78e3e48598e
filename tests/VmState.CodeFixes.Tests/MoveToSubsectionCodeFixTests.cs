using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>VMS0105, "move it into a new subsection with a Needed stub".</summary>
public sealed class MoveToSubsectionCodeFixTests
{
    [Fact]
    public async Task Moves_the_field_into_a_new_subsection_with_a_needed_test()
    {
        await FixTest.Create<MoveToSubsectionCodeFix>("""
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField(Since = 1)] public int {|VMS0105:TxSum|};
            }
            """, """
            [VmState("dev", Version = 2)]
            [Subsection("dev/tx_sum")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField(Subsection = "dev/tx_sum")] public int TxSum;

                // TODO: return false while the value is what older releases assume, so they can load the stream.
                [Needed("dev/tx_sum")]
                private bool IsTxSumNeeded() => true;
            }
            """, BaselineJson.DevV2()).RunAsync();
    }

    [Fact]
    public async Task Is_not_offered_for_a_field_of_a_subsection()
    {
        // A subsection inside a subsection would still be new to old destinations; raising the version fits better.
        var shipped = ("dev-1.json", BaselineJson.File(BaselineJson.Section("dev", 1, 1, [BaselineJson.Field("A", 4)],
            BaselineJson.Description("dev/sub", 1, 1, [BaselineJson.Field("x", 4)]))));
        const string source = """
            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("x", Subsection = "dev/sub")] public int X;
                [VmStateField("y", Subsection = "dev/sub")] public int {|VMS0105:Y|};

                [Needed("dev/sub")] private bool SubNeeded() => X != 0;
            }
            """;
        await FixTest.Create<MoveToSubsectionCodeFix>(source, source, shipped).RunAsync();
    }

    [Fact]
    public async Task Fix_all_gives_each_field_its_own_subsection_named_after_the_field()
    {
        var test = FixTest.Create<MoveToSubsectionCodeFix>("""
            [VmState("dev", Version = 2)]
            [Subsection("dev/mode")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField("mode")] public int {|VMS0105:Mode|};
                [VmStateField] public long {|VMS0105:RxBufferSize|};
                [VmStateField("extra", Subsection = "dev/mode")] public int Extra;

                [Needed("dev/mode")] private bool ModeNeeded() => Extra != 0;
            }
            """, """
            [VmState("dev", Version = 2)]
            [Subsection("dev/mode")]
            [Subsection("dev/mode2")]
            [Subsection("dev/rx_buffer_size")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField("mode", Subsection = "dev/mode2")] public int Mode;
                [VmStateField(Subsection = "dev/rx_buffer_size")] public long RxBufferSize;
                [VmStateField("extra", Subsection = "dev/mode")] public int Extra;

                [Needed("dev/mode")] private bool ModeNeeded() => Extra != 0;

                // TODO: return false while the value is what older releases assume, so they can load the stream.
                [Needed("dev/mode2")]
                private bool IsModeNeeded() => true;

                // TODO: return false while the value is what older releases assume, so they can load the stream.
                [Needed("dev/rx_buffer_size")]
                private bool IsRxBufferSizeNeeded() => true;
            }
            """, BaselineJson.DevV2());
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }
}
