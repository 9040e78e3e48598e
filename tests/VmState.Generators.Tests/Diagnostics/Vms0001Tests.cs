using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0001: the described type (or a type containing it) is not partial.</summary>
public sealed class Vms0001Tests
{
    [Fact]
    public void Reports_a_type_that_is_not_partial()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public class Dev
            {
                [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0001", source, "public class Dev", "Tests.Dev");
    }

    [Fact]
    public void Reports_a_containing_type_that_is_not_partial_at_the_described_type()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            public class Outer
            {
                [VmState("dev")]
                public partial class Dev
                {
                    [VmStateField] public int A;
                }
            }
            """;

        DiagnosticAssert.Reports("VMS0001", source, "public partial class Dev", "Tests.Outer.Dev");
    }

    [Fact]
    public void Does_not_report_partial_types_nested_in_partial_types()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            public partial class Outer
            {
                [VmState("dev")]
                public partial struct Dev
                {
                    [VmStateField] public int A;
                }
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
