using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0004: a field's Since is above the version of its description.</summary>
public sealed class Vms0004Tests
{
    [Fact]
    public void Reports_a_field_newer_than_the_description()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 3)] public int Late;
            }
            """;

        DiagnosticAssert.Reports("VMS0004", source, "Late", "Late", "dev");
    }

    [Fact]
    public void Reports_a_field_newer_than_its_subsection()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev", Version = 5)]
            [Subsection("dev/sub", Version = 1)]
            public partial class Dev
            {
                [VmStateField(Subsection = "dev/sub", Since = 2)] public int Late;
            }
            """;

        DiagnosticAssert.Reports("VMS0004", source, "Late", "Late", "dev/sub");
    }

    [Fact]
    public void Reports_padding_newer_than_the_description()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev", Version = 1)]
            public partial class Dev
            {
                [Unused(4, Since = 2)] [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0004", source, "Unused", "unused", "dev");
    }

    [Fact]
    public void Does_not_report_fields_up_to_the_version()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev", Version = 3)]
            [Subsection("dev/sub", Version = 2)]
            public partial class Dev
            {
                [VmStateField(Since = 3)] public int Late;
                [VmStateField(Subsection = "dev/sub", Since = 2)] public int SubLate;
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
