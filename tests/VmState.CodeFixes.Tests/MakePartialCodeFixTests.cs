using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>VMS0001: the type and every container become partial.</summary>
public sealed class MakePartialCodeFixTests
{
    [Fact]
    public async Task Adds_partial_after_the_other_modifiers()
    {
        await FixTest.Create<MakePartialCodeFix>("""
            [VmState("dev")]
            public sealed class {|VMS0001:Dev|}
            {
                [VmStateField] public int A;
            }
            """, """
            [VmState("dev")]
            public sealed partial class Dev
            {
                [VmStateField] public int A;
            }
            """).RunAsync();
    }

    [Fact]
    public async Task Adds_partial_to_every_container_and_a_type_without_modifiers()
    {
        await FixTest.Create<MakePartialCodeFix>("""
            public static class Outer
            {
                internal struct Middle
                {
                    [VmState("dev")]
                    struct {|VMS0001:Dev|}
                    {
                        [VmStateField] public int A;
                    }
                }
            }
            """, """
            public static partial class Outer
            {
                internal partial struct Middle
                {
                    [VmState("dev")]
                    partial struct Dev
                    {
                        [VmStateField] public int A;
                    }
                }
            }
            """).RunAsync();
    }

    [Fact]
    public async Task Fix_all_makes_a_shared_container_partial_once()
    {
        var test = FixTest.Create<MakePartialCodeFix>("""
            public class Board
            {
                [VmState("a")]
                public class {|VMS0001:A|} { [VmStateField] public int X; }

                [VmState("b")]
                public record {|VMS0001:B|} { [VmStateField] public int Y; }
            }
            """, """
            public partial class Board
            {
                [VmState("a")]
                public partial class A { [VmStateField] public int X; }

                [VmState("b")]
                public partial record B { [VmStateField] public int Y; }
            }
            """);
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public async Task Adds_partial_to_a_part_in_another_file()
    {
        var test = new VmStateCodeFixTest<MakePartialCodeFix>();
        test.TestState.Sources.Add(FixTest.Usings + """
            [VmState("dev")]
            public partial class {|VMS0001:Dev|}
            {
                [VmStateField] public int A;
            }
            """);
        // The compiler sees the part without 'partial' too.
        test.TestState.Sources.Add("""
            public class {|CS0260:Dev|}
            {
                public int Helper() => 1;
            }
            """);
        test.FixedState.Sources.Add(FixTest.Usings + """
            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """);
        test.FixedState.Sources.Add("""
            public partial class Dev
            {
                public int Helper() => 1;
            }
            """);
        await test.RunAsync();
    }
}
