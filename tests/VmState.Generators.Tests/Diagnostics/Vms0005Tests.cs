using Microsoft.CodeAnalysis;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0005: MinimumVersion above Version, for the type or a subsection.</summary>
public sealed class Vms0005Tests
{
    [Fact]
    public void Reports_the_MinimumVersion_argument_of_the_type()
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

        Diagnostic d = DiagnosticAssert.Reports("VMS0005", source, "MinimumVersion = 3", "dev");
        Assert.Equal("MinimumVersion = 3", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void Reports_the_MinimumVersion_argument_of_a_subsection()
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

        Diagnostic d = DiagnosticAssert.Reports("VMS0005", source, "Subsection(", "dev/sub");
        Assert.Equal("MinimumVersion = 2", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
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
