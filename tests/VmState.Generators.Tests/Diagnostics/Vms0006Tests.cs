using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0006: a field name or a subsection name used twice.</summary>
public sealed class Vms0006Tests
{
    [Fact]
    public void Reports_the_second_field_of_a_name()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField("ctrl")] public uint Control;
                [VmStateField("ctrl")] public uint Status;
            }
            """;

        DiagnosticAssert.Reports("VMS0006", source, "Status", "ctrl", "dev");
    }

    [Fact]
    public void Reports_two_array_fields_of_a_name_over_the_same_slice()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField("regs", Length = 4)] public uint[] Low = new uint[8];
                [VmStateField("regs", Length = 4)] public uint[] High = new uint[8];
            }
            """;

        DiagnosticAssert.Reports("VMS0006", source, "High", "regs", "dev");
    }

    [Fact]
    public void Reports_the_second_subsection_of_a_name()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            [Subsection("dev/sub", Version = 2)]
            public partial class Dev
            {
                [VmStateField(Subsection = "dev/sub")] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0006", source, "Version = 2", "dev/sub", "dev");
    }

    [Fact]
    public void Does_not_report_padding_alternatives_or_slices()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev", Version = 2)]
            [Subsection("dev/a")]
            [Subsection("dev/b")]
            public partial class Dev
            {
                [Unused(4)]
                [Unused(2)]
                [VmStateField("mode", Exists = nameof(IsOld))] public byte OldMode;
                [VmStateField("mode", Exists = nameof(IsNew))] public uint NewMode;
                [VmStateField("regs", Start = 0, Length = 4)] public uint[] Low = new uint[8];
                [VmStateField("regs", Start = 4, Length = 4)] public uint[] High = new uint[8];
                [VmStateField("x", Subsection = "dev/a")] public int Xa;
                [VmStateField("x", Subsection = "dev/b")] public int Xb;

                private static bool IsOld(int versionId) => versionId < 2;
                private static bool IsNew(int versionId) => versionId >= 2;
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
