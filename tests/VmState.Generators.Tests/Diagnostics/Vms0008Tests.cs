using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>
/// VMS0008: a subsection whose name does not extend the parent's (the type's, or the subsection named by Parent), or a
/// member naming an undeclared one.
/// </summary>
public sealed class Vms0008Tests
{
    [Theory]
    [InlineData("other/sub")]
    [InlineData("dev")]
    public void Reports_a_subsection_not_named_after_its_parent(string name)
    {
        string source = $$"""
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("{{name}}")]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0008", source, "Subsection(", name, "dev");
    }

    [Fact]
    public void Reports_a_field_of_an_undeclared_subsection()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField(Subsection = "dev/other")] public int Stray;
            }
            """;

        DiagnosticAssert.Reports("VMS0008", source, "Stray", "dev/other", "dev", "Stray");
    }

    [Fact]
    public void Reports_a_hook_of_an_undeclared_subsection()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [Needed("dev/sub")] private bool IsSubNeeded() => true;
            }
            """;

        DiagnosticAssert.Reports("VMS0008", source, "IsSubNeeded", "dev/sub", "IsSubNeeded");
    }

    [Fact]
    public void Does_not_report_declared_subsections()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField(Subsection = "dev/sub")] public int B;
                [Needed("dev/sub")] private bool IsSubNeeded() => B != 0;
            }
            """;

        DiagnosticAssert.Clean(source);
    }

    [Fact]
    public void Reports_a_nested_subsection_not_named_after_its_parent_subsection()
    {
        // "dev/other" extends the type's name, but QEMU looks for it only after "dev/sub"'s fields, by that prefix.
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            [Subsection("dev/other", Parent = "dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        Microsoft.CodeAnalysis.Diagnostic d = DiagnosticAssert.Reports("VMS0008", source, "Parent =", "dev/other", "dev/sub");
        Assert.Contains("'dev/sub/...'", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Does_not_report_a_nested_name_that_merely_starts_with_its_parents()
    {
        // QEMU compares only the first strlen(parent) bytes, so "dev/subway" is found under "dev/sub".
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            [Subsection("dev/subway", Parent = "dev/sub")]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Clean(source);
    }

    [Fact]
    public void Reports_only_the_misnamed_subsection_not_its_own_child()
    {
        // The child of a rejected subsection goes with it; only the rejected one is reported.
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            [Subsection("dev/bad", Parent = "dev/sub")]
            [Subsection("dev/bad/child", Parent = "dev/bad")]
            public partial class Dev
            {
                [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0008", source, "Subsection(\"dev/bad\",", "dev/bad", "dev/sub");
    }
}
