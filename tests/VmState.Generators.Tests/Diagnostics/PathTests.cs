using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0002 for a <c>Path</c> that cannot be followed, naming why; good paths generate clean code.</summary>
public sealed class PathTests
{
    private static string Device(string member) => $$"""
        using VmState.Description;

        namespace Tests;

        public struct Pair { public int A; public int B; }
        public sealed class Box { public Pair Inner; public Pair InnerProp { get; set; } private int _hidden; public readonly Pair Frozen; public int Level { get; set; } }

        [VmState("dev")]
        public partial class Dev
        {
            [VmStateField] public uint Before;
            {{member}}
        }
        """;

    [Theory]
    [InlineData("[VmStateField(Path = \"[0]\")] public Box Name = new();", "not an array")]
    [InlineData("[VmStateField(Path = \"[x].A\")] public Pair[] Name = new Pair[1];", "non-negative integer")]
    [InlineData("[VmStateField(Path = \"Missing\")] public Box Name = new();", "'Missing', which is not an instance field")]
    [InlineData("[VmStateField(Path = \"_hidden\")] public Box Name = new();", "cannot reach")]
    [InlineData("[VmStateField(Path = \"InnerProp.A\")] public Box Name = new();", "gives a copy")]
    [InlineData("[VmStateField(Path = \"Frozen.A\")] public Box Name = new();", "gives a copy")]
    [InlineData("[VmStateField(Path = \"\")] public Box Name = new();", "Path is empty")]
    [InlineData("[VmStateField(Path = \"Inner.\")] public Box Name = new();", "empty member name")]
    public void Reports_a_path_that_cannot_be_followed(string member, string why)
    {
        Diagnostic d = DiagnosticAssert.Reports("VMS0002", Device(member), " Name", "Name");
        Assert.Contains(why, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[VmStateField(Path = \"Inner.A\")][VmStateField(\"b\", Path = \".Inner.B\")] public Box Name = new();")]
    [InlineData("[VmStateField(Path = \"[1].B\")] public Pair[] Name = new Pair[2];")]
    [InlineData("[VmStateField(Path = \"Level\")] public Box Name = new();")]
    public void A_good_path_is_clean(string member) => DiagnosticAssert.Clean(Device(member));
}
