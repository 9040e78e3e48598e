using Microsoft.CodeAnalysis;
using VmState.Codecs;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0011: a loaded value cannot be stored back (readonly field, property without a setter).</summary>
public sealed class Vms0011Tests
{
    private static string Device(string member) => $$"""
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Tests;

        [VmState("point")]
        public partial struct Point
        {
            [VmStateField] public int X;
        }

        [VmState("dev")]
        public partial class Dev
        {
            {{member}}
        }
        """;

    [Theory]
    [InlineData("[VmStateField] public readonly int Bad;", "is readonly")]
    [InlineData("[VmStateField] public int Bad { get; }", "has no setter")]
    [InlineData("[VmStateField] public int Bad { get; init; }", "has no setter")]
    [InlineData("[VmStateField] public VmTimer Bad => default;", "has no setter")]
    [InlineData("[VmStateField] public Point Bad { get; }", "has no setter")]
    public void Reports_a_member_that_cannot_be_stored(string member, string problem)
    {
        Diagnostic d = DiagnosticAssert.Reports("VMS0011", Device(member), "Bad", "Bad");
        Assert.Contains(problem, d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[VmStateField] public int Good { get; set; }")]
    [InlineData("[VmStateField] public Point Good { get; set; }")]
    [InlineData("[VmStateField(Length = 2)] public uint[] Good { get; } = new uint[2];")]
    [InlineData("[VmStateField(Length = 2)] public readonly byte[] Good = new byte[2];")]
    public void Does_not_report_members_loaded_in_place_or_through_a_setter(string member)
    {
        DiagnosticAssert.Clean(Device(member));
    }
}
