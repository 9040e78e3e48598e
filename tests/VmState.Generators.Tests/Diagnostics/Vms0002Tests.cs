using VmState.Codecs;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0002: a member whose type cannot be migrated.</summary>
public sealed class Vms0002Tests
{
    [Theory]
    [InlineData("public string Name = \"\";", "string")]
    [InlineData("public decimal Name;", "decimal")]
    [InlineData("public object? Name;", "object?")]
    [InlineData("public static int Name;", "int")]
    [InlineData("public int[,] Name = new int[2, 2];", "int[*,*]")]
    public void Reports_an_unsupported_member(string declaration, string typeName)
    {
        string source = $$"""
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public uint Before;
                [VmStateField] {{declaration}}
            }
            """;

        DiagnosticAssert.Reports("VMS0002", source, " Name", "Name", typeName);
    }

    [Fact]
    public void Reports_an_array_of_an_unsupported_element()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField(Length = 2)] public string[] Names = new string[2];
            }
            """;

        DiagnosticAssert.Reports("VMS0002", source, " Names", "Names", "string[]");
    }

    [Fact]
    public void Does_not_report_supported_members()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public uint Before;
                [VmStateField] public uint Name;
                [VmStateField(Length = 2)] public ulong[] Names = new ulong[2];
                [VmStateField] public VmTimer Timer;
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
