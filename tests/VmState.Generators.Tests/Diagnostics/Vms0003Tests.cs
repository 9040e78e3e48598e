using Microsoft.CodeAnalysis;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0003: the count member of a variable array or buffer is missing, not integral, or migrated after its array.</summary>
public sealed class Vms0003Tests
{
    private static string Device(string members) => $$"""
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Tests;

        [VmState("dev")]
        public partial class Dev
        {
        {{members}}
        }
        """;

    [Fact]
    public void Reports_a_missing_count_member()
    {
        string source = Device("""
                [VmStateField] public int Other;
                [VmStateField(Count = "Missing")] public uint[] Items = [];
            """);

        Diagnostic d = DiagnosticAssert.Reports("VMS0003", source, "Items", "Missing", "Items");
        Assert.Contains("does not exist", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("long")]
    [InlineData("short")]
    [InlineData("ulong")]
    [InlineData("bool")]
    public void Reports_a_count_member_that_is_not_a_count_width(string type)
    {
        string source = Device($$"""
                [VmStateField] public {{type}} N;
                [VmStateField(Count = nameof(N))] public uint[] Items = [];
            """);

        Diagnostic d = DiagnosticAssert.Reports("VMS0003", source, "Items", "N", "Items");
        Assert.Contains("must be int, uint, ushort or byte", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_count_member_declared_after_its_array()
    {
        string source = Device("""
                [VmStateField(Count = nameof(N))] public byte[] Data = [];
                [VmStateField] public int N;
            """);

        Diagnostic d = DiagnosticAssert.Reports("VMS0003", source, "Data", "N", "Data");
        Assert.Contains("must come before the array", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_count_member_in_a_later_subsection()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField(Subsection = "dev/sub")] public int N;
                [VmStateField(Count = nameof(N))] public uint[] Items = [];
            }
            """;

        DiagnosticAssert.Reports("VMS0003", source, "Items", "N", "Items");
    }

    [Fact]
    public void Does_not_report_a_count_in_the_main_body_for_an_array_in_a_subsection()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            [Subsection("dev/sub")]
            public partial class Dev
            {
                [VmStateField(Count = nameof(N), Subsection = "dev/sub")] public uint[] Items = [];
                [VmStateField] public int N;
            }
            """;

        DiagnosticAssert.Clean(source);
    }

    [Theory]
    [InlineData("int")]
    [InlineData("uint")]
    [InlineData("ushort")]
    [InlineData("byte")]
    public void Does_not_report_an_earlier_count_of_each_width(string type)
    {
        string source = Device($$"""
                [VmStateField] public {{type}} N;
                [VmStateField(Count = nameof(N))] public uint[] Items = [];
                [VmStateField(Count = nameof(N))] public byte[] Data = [];
            """);

        DiagnosticAssert.Clean(source);
    }

    [Fact]
    public void Does_not_report_a_count_member_that_is_not_migrated()
    {
        // The destination's own configuration fixes the count (QEMU's piix4_pm hotplug arrays).
        string source = Device("""
                public int Slots = 4;
                [VmStateField(Count = nameof(Slots))] public uint[] Items = new uint[4];
                public ushort Lanes { get; set; } = 2;
                [VmStateField(Count = nameof(Lanes))] public byte[] Data = new byte[2];
            """);

        DiagnosticAssert.Clean(source);
    }
}
