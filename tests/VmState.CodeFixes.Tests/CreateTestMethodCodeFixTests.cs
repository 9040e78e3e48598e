using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>VMS0007: a missing Exists test is created with the shape the generator accepts.</summary>
public sealed class CreateTestMethodCodeFixTests
{
    [Fact]
    public async Task Creates_a_missing_exists_test()
    {
        await FixTest.Create<CreateTestMethodCodeFix>("""
            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [{|VMS0007:VmStateField("b", Exists = "HasB")|}] public int B;
            }
            """, """
            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField("b", Exists = "HasB")] public int B;

                private bool HasB() => true;
            }
            """).RunAsync();
    }

    [Fact]
    public async Task Creates_the_test_of_padding()
    {
        await FixTest.Create<CreateTestMethodCodeFix>("""
            [VmState("dev")]
            public partial class Dev
            {
                [{|VMS0007:Unused(4, Exists = nameof(Dev.A) + "Padded")|}]
                [VmStateField] public int A;
            }
            """, """
            [VmState("dev")]
            public partial class Dev
            {
                [Unused(4, Exists = nameof(Dev.A) + "Padded")]
                [VmStateField] public int A;

                private bool APadded() => true;
            }
            """).RunAsync();
    }

    [Fact]
    public async Task Offers_nothing_for_a_test_of_the_wrong_shape()
    {
        // The method exists: only its author knows what it should compute.
        var test = FixTest.Create<CreateTestMethodCodeFix>("""
            [VmState("dev")]
            public partial class Dev
            {
                [{|VMS0007:VmStateField("b", Exists = nameof(HasB))|}] public int B;

                private int HasB() => 1;
            }
            """, """
            [VmState("dev")]
            public partial class Dev
            {
                [{|VMS0007:VmStateField("b", Exists = nameof(HasB))|}] public int B;

                private int HasB() => 1;
            }
            """);
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_creates_a_test_two_fields_name_once()
    {
        var test = FixTest.Create<CreateTestMethodCodeFix>("""
            [VmState("dev")]
            public partial class Dev
            {
                [{|VMS0007:VmStateField(Exists = "Present")|}] public int A;
                [{|VMS0007:VmStateField(Exists = "Present")|}] public int B;
                [{|VMS0007:VmStateField(Exists = "Enabled")|}] public int C;
            }
            """, """
            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField(Exists = "Present")] public int A;
                [VmStateField(Exists = "Present")] public int B;
                [VmStateField(Exists = "Enabled")] public int C;

                private bool Present() => true;

                private bool Enabled() => true;
            }
            """);
        test.NumberOfFixAllIterations = 1;
        // One fix at a time creates the shared test with the first and the other with the third.
        test.NumberOfIncrementalIterations = 2;
        await test.RunAsync();
    }
}
