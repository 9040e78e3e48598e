using Microsoft.CodeAnalysis;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0007: a hook, Exists test or Validate check that is missing or of the wrong shape.</summary>
public sealed class Vms0007Tests
{
    private static string Device(string members) => $$"""
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Tests;

        [VmState("dev")]
        [Subsection("dev/sub")]
        public partial class Dev
        {
            [VmStateField] public int A;
            [VmStateField(Subsection = "dev/sub")] public int B;
        {{members}}
        }
        """;

    [Theory]
    [InlineData("[PostLoad] private int Hook() => 0;", "must return void or bool")]
    [InlineData("[PreSave] private void Hook(int versionId) { }", "must take no parameters")]
    [InlineData("[PostLoad] private void Hook(long versionId) { }", "must take no parameters or one int")]
    [InlineData("[PostLoad] private void Hook(ref int versionId) { }", "must take no parameters or one int")]
    [InlineData("[Needed] private void Hook() { }", "must return bool")]
    [InlineData("[Needed(\"dev/sub\")] private int Hook() => 1;", "must return bool")]
    [InlineData("[DevUnplugPending] private void Hook() { }", "must return bool")]
    [InlineData("[PreLoad] private void Hook<T>() { }", "must not be generic")]
    [InlineData("[Validate(\"check\")] private void Hook() { }", "must return bool")]
    public void Reports_a_method_of_the_wrong_shape(string method, string problem)
    {
        string source = Device("    " + method);

        Diagnostic d = DiagnosticAssert.Reports("VMS0007", source, "Hook", "Hook", "Dev");
        Assert.Contains(problem, d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_an_exists_test_that_does_not_exist()
    {
        string source = Device("""
                [VmStateField(Exists = "HasC")] public int C;
            """);

        Diagnostic d = DiagnosticAssert.Reports("VMS0007", source, "HasC", "HasC", "Dev");
        Assert.Contains("does not exist", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_second_hook_of_a_kind()
    {
        string source = Device("""
                [PostLoad] private void First() { }
                [PostLoad] private void Hook() { }
            """);

        DiagnosticAssert.Reports("VMS0007", source, "Hook", "Hook", "dev");
    }

    [Fact]
    public void Does_not_report_well_formed_hooks_tests_and_checks()
    {
        string source = Device("""
                [VmStateField(Exists = nameof(HasC))] public int C;
                [VmStateField(Exists = nameof(HasD))] public int D;
                [PreSave] private bool BeforeSave() => true;
                [PostSave] private void AfterSave() { }
                [PreLoad] private void BeforeLoad() { }
                [PostLoad] private bool AfterLoad(int versionId) => versionId > 0;
                [PostLoad("dev/sub")] private void AfterSubLoad() { }
                [Needed("dev/sub")] private bool SubNeeded() => B != 0;
                [Needed] private bool Needed() => true;
                [DevUnplugPending] private bool Pending() => false;
                [Validate("check")] private bool Check(int versionId) => versionId == 1;
                private bool HasC() => A != 0;
                private static bool HasD(int versionId) => versionId >= 1;
            """);

        DiagnosticAssert.Clean(source);
    }
}
