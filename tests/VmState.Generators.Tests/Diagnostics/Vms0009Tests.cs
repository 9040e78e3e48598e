using Microsoft.CodeAnalysis;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0009: an array or buffer without a valid length, or a length on a scalar.</summary>
public sealed class Vms0009Tests
{
    [Theory]
    [InlineData("[VmStateField] public uint[] Bad = new uint[2];", "needs Length (fixed) or Count (variable)")]
    [InlineData("[VmStateField] public byte[] Bad = new byte[2];", "needs Length (fixed) or Count (variable)")]
    [InlineData("[VmStateField(Length = 2, Count = nameof(N))] public uint[] Bad = new uint[2];", "not both")]
    [InlineData("[VmStateField(Length = -1)] public uint[] Bad = new uint[2];", "must not be negative")]
    [InlineData("[VmStateField(Length = 2, Start = -1)] public uint[] Bad = new uint[2];", "must not be negative")]
    [InlineData("[VmStateField(Length = 4)] public uint Bad;", "apply to arrays and buffers only")]
    [InlineData("[VmStateField(Count = nameof(N))] public uint Bad;", "apply to arrays and buffers only")]
    public void Reports_an_invalid_shape(string member, string problem)
    {
        string source = $$"""
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public int N;
                {{member}}
            }
            """;

        Diagnostic d = DiagnosticAssert.Reports("VMS0009", source, "Bad", "Bad");
        Assert.Contains(problem, d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_padding_without_a_size()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [Unused(0)] [VmStateField] public int A;
            }
            """;

        DiagnosticAssert.Reports("VMS0009", source, "Unused(0)", "unused");
    }

    [Fact]
    public void Does_not_report_fixed_variable_and_sliced_shapes()
    {
        const string source = """
            using VmState.Codecs; using VmState.Description; using VmState.Wire;

            namespace Tests;

            [VmState("dev")]
            public partial class Dev
            {
                [VmStateField] public int N;
                [Unused(1)] [VmStateField(Length = 2)] public uint[] Fixed = new uint[2];
                [VmStateField(Count = nameof(N))] public uint[] Variable = [];
                [VmStateField(Start = 2, Length = 2)] public byte[] Slice = new byte[4];
            }
            """;

        DiagnosticAssert.Clean(source);
    }
}
