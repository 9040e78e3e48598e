using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0005: MinimumVersion above Version, for the type or a subsection.</summary>
public sealed class Vms0005Tests
{
    [Fact]
    public void Reports_the_type_at_its_declaration()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev", Version = 2, MinimumVersion = 3)]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0005", source, "partial class Dev", "dev");
    }

    [Fact]
    public void Reports_a_subsection_at_its_attribute()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub", Version = 1, MinimumVersion = 2)]
            public partial class Dev
            {
                [VmStateField(Subsection = "dev/sub")] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0005", source, "Subsection(", "dev/sub");
    }

    [Fact]
    public void Does_not_report_equal_versions_or_version_zero()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev", Version = 3, MinimumVersion = 3)]
            [Subsection("dev/sub", Version = 0)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/sub")] public int B;
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
