using VmState.Description;
using VmState.Schema;

namespace VmState.Runtime.Tests.Schema;

/// <summary>The checker against QEMU's own test inputs: exactly what QEMU 7.2's script printed, and its exit code.</summary>
public sealed class SchemaCheckerQemuDataTests
{
    [Theory]
    [InlineData("dump1.json", "dump2.json", "expected-dump1-to-dump2.txt")]
    [InlineData("dump2.json", "dump1.json", "expected-dump2-to-dump1.txt")]
    [InlineData("pc.vmstate.json", "pc.vmstate.json", "expected-pc-to-pc.txt")]
    public void Output_and_exit_code_are_the_scripts(string source, string destination, string expected)
    {
        (int exitCode, string output) = CheckerFixtures.Expected(expected);

        SchemaCheckResult result = SchemaChecker.Check(CheckerFixtures.Dump(source), CheckerFixtures.Dump(destination));

        Assert.Equal(output, result.Output);
        Assert.Equal(exitCode, result.ExitCode);
    }

    [Fact]
    public void Dump1_to_dump2_has_every_kind_the_readme_lists_in_src_order()
    {
        SchemaCheckResult result = SchemaChecker.Check(CheckerFixtures.Dump("dump1.json"), CheckerFixtures.Dump("dump2.json"));

        Assert.Equal(
            [
                SchemaCheckMessageKind.MachineTypeMismatch,
                SchemaCheckMessageKind.SectionMissing,
                SchemaCheckMessageKind.VersionTooNew,
                SchemaCheckMessageKind.FieldMismatch,
                SchemaCheckMessageKind.DescriptionEntryMissing,
                SchemaCheckMessageKind.FieldDescriptionMissing,
                SchemaCheckMessageKind.SectionEntryMissing,
                SchemaCheckMessageKind.DestinationFieldsEnded,
                SchemaCheckMessageKind.VersionTooOld,
                SchemaCheckMessageKind.DescriptionEntryMissing,
                SchemaCheckMessageKind.DescriptionRenamed,
                SchemaCheckMessageKind.VersionTooNew,
                SchemaCheckMessageKind.SubsectionMissing,
                SchemaCheckMessageKind.SizeMismatch,
            ],
            result.Messages.Select(m => m.Kind));
        Assert.Equal(SchemaCheckSeverity.Warning, result.Messages[0].Severity);
        Assert.Equal(13, result.ErrorCount);
        Assert.False(result.IsCompatible);
    }

    [Fact]
    public void Qemus_full_pc_dump_is_compatible_with_itself()
    {
        SchemaCheckResult result = SchemaChecker.Check(CheckerFixtures.Dump("pc.vmstate.json"), CheckerFixtures.Dump("pc.vmstate.json"));

        Assert.Empty(result.Messages);
        Assert.True(result.IsCompatible);
    }
}
