using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>VMS0108: a rename is recorded with FormerName.</summary>
public sealed class FormerNameCodeFixTests
{
    [Fact]
    public async Task Adds_former_name_to_the_field_attribute()
    {
        await FixTest.Create<FormerNameCodeFix>("""
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("b_renamed", Default = (ushort)1)] public ushort {|VMS0108:B|};
                [VmStateField(Since = 2)] public byte C;
            }
            """, """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("b_renamed", Default = (ushort)1, FormerName = "B")] public ushort B;
                [VmStateField(Since = 2)] public byte C;
            }
            """, BaselineJson.DevV2()).RunAsync();
    }

    [Fact]
    public async Task Fix_all_creates_argument_lists_where_there_were_none()
    {
        var test = FixTest.Create<FormerNameCodeFix>("""
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int {|VMS0108:Alpha|};
                [VmStateField] public ushort {|VMS0108:Beta|};
                [VmStateField(Since = 2)] public byte C;
            }
            """, """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField(FormerName = "A")] public int Alpha;
                [VmStateField(FormerName = "B")] public ushort Beta;
                [VmStateField(Since = 2)] public byte C;
            }
            """, BaselineJson.DevV2());
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }
}
