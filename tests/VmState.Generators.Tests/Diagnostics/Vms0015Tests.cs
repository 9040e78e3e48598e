using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0015: a negative Version or MinimumVersion, reported once at the argument, not once per field.</summary>
public sealed class Vms0015Tests
{
    [Fact]
    public void A_negative_version_is_one_error_at_the_argument()
    {
        const string source = """
            using VmState.Description;

            namespace Tests;

            [VmState("dev", Version = -1)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Since = 1)] public int B;
                [VmStateField(Since = 2)] public int C;
            }
            """;

        Diagnostic d = DiagnosticAssert.Reports("VMS0015", source, "Version = -1", "dev");
        Assert.Equal("Version = -1", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("Version = -1", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_minimum_version_is_reported()
    {
        const string source = """
            using VmState.Description;

            namespace Tests;

            [VmState("dev", Version = 2, MinimumVersion = -3)]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        Diagnostic d = DiagnosticAssert.Reports("VMS0015", source, "MinimumVersion = -3", "dev");
        Assert.Equal("MinimumVersion = -3", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void A_subsection_with_a_negative_version_is_reported_once()
    {
        const string source = """
            using VmState.Description;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub", Version = -2)]
            public partial class Dev
            {
                [VmStateField(Subsection = "dev/sub", Since = 1)] public int A;
                [VmStateField(Subsection = "dev/sub", Since = 1)] public int B;
            }
            """;

        DiagnosticAssert.Reports("VMS0015", source, "Version = -2", "dev/sub");
    }

    [Fact]
    public void Version_zero_is_allowed()
    {
        const string source = """
            using VmState.Description;

            namespace Tests;

            [VmState("dev", Version = 0)]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
