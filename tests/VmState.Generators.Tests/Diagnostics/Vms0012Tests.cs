using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0012: a generic described type (or one inside a generic type).</summary>
public sealed class Vms0012Tests
{
    [Fact]
    public void Reports_a_generic_type()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev<T>
            {
                [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0012", source, "partial class Dev<T>", "Tests.Dev<T>");
    }

    [Fact]
    public void Reports_a_type_inside_a_generic_type()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            public partial class Outer<T>
            {
                [VmState("dev")]
                public partial class Dev
                {
                    [VmStateField] public int A;
                }
            }
            """;

        DiagnosticAssert.Reports("VMS0012", source, "partial class Dev", "Tests.Outer<T>.Dev");
    }

    [Fact]
    public void Does_not_report_a_closed_type_with_a_generic_member_type()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            public partial class Outer
            {
                [VmState("dev")]
                public partial class Dev
                {
                    [VmStateField] public int A;
                    public System.Collections.Generic.List<int> NotMigrated = [];
                }
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
