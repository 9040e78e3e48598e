using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests;

/// <summary>
/// After a generator error the type still gets <c>IVmStateObject</c>'s members (which throw), so that code using it
/// compiles and the build shows the one real error instead of a trail of CS0311/CS0117 errors.
/// </summary>
public sealed class StandInTests
{
    private const string Use = """
        public static class Use
        {
            public static byte[] Save(Tests.Dev d) => VmState.Description.VmStateSerializer.Save(d);
            public static string Name => Tests.Dev.VmStateDescription.Name;
            public static void Reset(Tests.Dev d) => d.ResetVmState();
        }
        """;

    [Fact]
    public void A_field_error_leaves_only_that_error()
    {
        const string source = """
            using VmState.Description;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public object Bad = new();
            }
            """;

        GeneratorRun run = TestCompilation.Run(source, Use);

        Assert.Equal("VMS0002", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        string standIn = run.Source("Tests.Dev");
        Assert.Contains(DiagnosticAssert.StandIn, standIn, StringComparison.Ordinal);
        Assert.DoesNotContain("SaveFields", standIn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_type_gets_its_stand_in_inside_its_containers()
    {
        const string source = """
            using VmState.Description;

            namespace Tests;

            public static partial class Board
            {
                [VmState("dev", Version = 1, MinimumVersion = 2)]
                public partial struct Dev
                {
                    [VmStateField] public int A;
                }

                public static byte[] Save(Dev d) => VmStateSerializer.Save(d);
            }
            """;

        GeneratorRun run = TestCompilation.Run(source);

        Assert.Equal("VMS0005", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.True(run.OutputErrors.IsEmpty, TestCompilation.Describe(run.OutputErrors));
        Assert.Contains("partial struct Dev", run.Source("Tests.Board.Dev"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_that_is_not_partial_gets_no_stand_in()
    {
        // A second part of a type that is not partial would be an error of its own (CS0260), so the generator adds none.
        const string source = """
            using VmState.Description;

            namespace Tests;

            [VmState("dev")]
            public class Dev
            {
                [VmStateField] public int A;
            }
            """;

        GeneratorRun run = TestCompilation.Run(source);

        Assert.Equal("VMS0001", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.Sources);
    }
}
