using VmState.Description;
using VmState.Schema;

namespace VmState.Runtime.Tests.Schema;

[VmState("k-renamed")]
[Subsection("k-renamed/sub")]
public partial class RenamedDevice
{
    [VmStateField] public int A;
    [VmStateField("mode", FormerName = "flags")] public ushort Mode;
    [VmStateField(Subsection = "k-renamed/sub", FormerName = "old_b")] public byte B;

    [Needed("k-renamed/sub")] private bool HasSub() => B != 0;
}

/// <summary>FormerName reaches the run-time description, and from there the schema checker.</summary>
public sealed class FormerNameTests
{
    [Fact]
    public void The_description_carries_the_former_names_and_the_dump_does_not()
    {
        VmStateDescription d = RenamedDevice.VmStateDescription;
        Assert.Equal("flags", d.Fields.Single(f => f.Name == "mode").FormerName);
        Assert.Null(d.Fields.Single(f => f.Name == "A").FormerName);
        Assert.Equal("old_b", d.Subsections.Single().Fields.Single().FormerName);

        // The dump stays QEMU's shape: a former name is not a field and not a key.
        string dump = DumpVmStateWriter.Write("m", [d]);
        Assert.DoesNotContain("flags", dump, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dump_of_the_former_names_checks_clean_against_the_current_one_only_when_told()
    {
        VmStateDescription d = RenamedDevice.VmStateDescription;
        string current = DumpVmStateWriter.Write("m", [d]);
        string shipped = current.Replace("\"mode\"", "\"flags\"", StringComparison.Ordinal).Replace("\"B\"", "\"old_b\"", StringComparison.Ordinal);
        Assert.NotEqual(current, shipped);

        DumpVmStateDocument src = DumpVmStateDocument.Parse(shipped, "src");
        DumpVmStateDocument dest = DumpVmStateDocument.Parse(current, "dest");
        Assert.NotEqual(0, SchemaChecker.Check(src, dest).ExitCode);
        SchemaCheckResult told = SchemaChecker.Check(src, dest, SchemaFieldRenames.FromDescriptions([d]));
        Assert.Equal("", told.Output);
        Assert.Equal(0, told.ExitCode);
    }
}
