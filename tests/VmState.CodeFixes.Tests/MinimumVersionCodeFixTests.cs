using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>VMS0005 and VMS0102: MinimumVersion set to Version, or back to the shipped version.</summary>
public sealed class MinimumVersionCodeFixTests
{
    [Fact]
    public async Task Sets_minimum_version_to_version_as_written()
    {
        await FixTest.Create<MinimumVersionCodeFix>("""
            static class Versions { public const int Dev = 2; }

            [VmState("dev", Version = Versions.Dev, {|VMS0005:MinimumVersion = 3|})]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 2)] public int B;
            }
            """, """
            static class Versions { public const int Dev = 2; }

            [VmState("dev", Version = Versions.Dev, MinimumVersion = Versions.Dev)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 2)] public int B;
            }
            """).RunAsync();
    }

    [Fact]
    public async Task Sets_a_subsection_minimum_to_its_default_version()
    {
        await FixTest.Create<MinimumVersionCodeFix>("""
            [VmState("dev")]
            [Subsection("dev/sub", {|VMS0005:MinimumVersion = 2|})]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/sub")] public int B;

                [Needed("dev/sub")] private bool SubNeeded() => B != 0;
            }
            """, """
            [VmState("dev")]
            [Subsection("dev/sub", MinimumVersion = 1)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/sub")] public int B;

                [Needed("dev/sub")] private bool SubNeeded() => B != 0;
            }
            """).RunAsync();
    }

    [Fact]
    public async Task Sets_a_raised_minimum_back_to_the_shipped_version()
    {
        await FixTest.Create<MinimumVersionCodeFix>("""
            [VmState("dev", Version = 3, {|VMS0102:MinimumVersion = 3|})]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public ushort B;
                [VmStateField(Since = 2)] public byte C;
                [VmStateField(Since = 3)] public int D;
            }
            """, """
            [VmState("dev", Version = 3, MinimumVersion = 2)]
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
    public async Task Fix_all_sets_every_minimum()
    {
        var test = FixTest.Create<MinimumVersionCodeFix>("""
            [VmState("a", Version = 2, {|VMS0005:MinimumVersion = 5|})]
            public partial class A { [VmStateField(Since = 2)] public int X; }

            [VmState("b", Version = 2, {|VMS0005:MinimumVersion = 4|})]
            public partial class B { [VmStateField(Since = 2)] public int Y; }
            """, """
            [VmState("a", Version = 2, MinimumVersion = 2)]
            public partial class A { [VmStateField(Since = 2)] public int X; }

            [VmState("b", Version = 2, MinimumVersion = 2)]
            public partial class B { [VmStateField(Since = 2)] public int Y; }
            """);
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }
}
