using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>VMS0103: a removed shipped field's bytes come back as [Unused] padding in its place.</summary>
public sealed class KeepAsUnusedCodeFixTests
{
    [Fact]
    public async Task Pads_before_the_member_now_in_the_fields_place()
    {
        await FixTest.Create<KeepAsUnusedCodeFix>("""
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 2)] public byte {|VMS0103:C|};
            }
            """, """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [Unused(2)] [VmStateField(Since = 2)] public byte C;
            }
            """, BaselineJson.DevV2()).RunAsync();
    }

    [Fact]
    public async Task Pads_a_field_removed_at_the_end_on_a_method_with_its_version()
    {
        await FixTest.Create<KeepAsUnusedCodeFix>("""
            [{|VMS0103:VmState("dev", {|VMS0111:Version = 2|})|}]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
            }
            """, """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;

                [Unused(1, Since = 2)]
                private void ShippedPadding_C()
                {
                }
            }
            """, BaselineJson.DevV2()).RunAsync();
    }

    [Fact]
    public async Task Pads_in_a_subsection_before_padding_already_in_the_place()
    {
        var shipped = ("dev-1.json", BaselineJson.File(BaselineJson.Section("dev", 1, 1, [BaselineJson.Field("A", 4)],
            BaselineJson.Description("dev/sub", 1, 1, [BaselineJson.Field("x", 8, num: 2), BaselineJson.Field("unused", 4), BaselineJson.Field("y", 1)]))));
        await FixTest.Create<KeepAsUnusedCodeFix>("""
            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [{|VMS0103:Unused(4, Subsection = "dev/sub")|}]
                [VmStateField("y", Subsection = "dev/sub")] public byte Y;

                [Needed("dev/sub")] private bool SubNeeded() => Y != 0;
            }
            """, """
            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [Unused(16, Subsection = "dev/sub")] [Unused(4, Subsection = "dev/sub")]
                [VmStateField("y", Subsection = "dev/sub")] public byte Y;

                [Needed("dev/sub")] private bool SubNeeded() => Y != 0;
            }
            """, shipped).RunAsync();
    }

    [Fact]
    public async Task Fix_all_pads_fields_removed_together_in_shipped_order()
    {
        var shipped = ("dev-1.json", BaselineJson.File(BaselineJson.Section("dev", 1, 1,
            [BaselineJson.Field("a", 4), BaselineJson.Field("b", 2), BaselineJson.Field("c", 1), BaselineJson.Field("d", 4), BaselineJson.Field("e", 8), BaselineJson.Field("f.g", 2)])));
        var test = FixTest.Create<KeepAsUnusedCodeFix>("""
            [{|VMS0103:{|VMS0103:VmState("dev")|}|}]
            public partial class Dev
            {
                [VmStateField("a")] public int A;
                [VmStateField("d")] public int {|VMS0103:{|VMS0103:D|}|};
            }
            """, """
            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField("a")] public int A;
                [Unused(2)] [Unused(1)] [VmStateField("d")] public int D;

                [Unused(8)]
                private void ShippedPadding_e()
                {
                }

                [Unused(2)]
                private void ShippedPadding_f_g()
                {
                }
            }
            """, shipped);
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public async Task Names_the_attribute_so_it_binds_without_a_using()
    {
        var test = new VmStateCodeFixTest<KeepAsUnusedCodeFix>();
        test.TestState.AdditionalFiles.Add(("/0/" + BaselineJson.DevV2().File, BaselineJson.DevV2().Json));
        test.TestCode = """
            [VmState.Description.VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmState.Description.VmStateField] public int A;
                [VmState.Description.VmStateField(Since = 2)] public byte {|VMS0103:C|};
            }
            """;
        test.FixedCode = """
            [VmState.Description.VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmState.Description.VmStateField] public int A;
                [VmState.Description.Unused(2)] [VmState.Description.VmStateField(Since = 2)] public byte C;
            }
            """;
        await test.RunAsync();
    }
}
