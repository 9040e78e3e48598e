using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using VmState.Generators.Policy;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Policy;

/// <summary>VMS0113: an array of a described class created with null elements.</summary>
public sealed class Vms0113Tests
{
    private static string Source(string members, string constructor = "") => """
        using VmState.Description;

        namespace Tests;

        [VmState("regs")]
        public partial class Regs
        {
            [VmStateField] public int A;
        }

        [VmState("dma")]
        public partial class Dma
        {

        """ + constructor + "\n" + members + "\n}\n";

    private static ImmutableArray<Diagnostic> Run(string source) => AnalyzerRun.Run(new ArrayOfNullElementsAnalyzer(), source);

    [Theory]
    [InlineData("[VmStateField(Length = 2)] public Regs[] Channels = new Regs[2];")]
    [InlineData("[VmStateField(Length = 2)] public Regs[] Channels { get; } = new Regs[2];")]
    [InlineData("public int N = 2; [VmStateField(Count = nameof(N))] public Regs[] Channels = new Regs[2];")]
    public void Reports_an_unfilled_array_at_its_creation(string members)
    {
        string source = Source(members);
        Diagnostic d = Assert.Single(Run(source));
        Assert.Equal("VMS0113", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("new Regs[2]", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Theory]
    [InlineData("[VmStateField(Length = 2)] public Regs[] Channels = [new(), new()];")]
    [InlineData("[VmStateField(Length = 2)] public Regs[] Channels = new Regs[] { new(), new() };")]
    [InlineData("[VmStateField(Length = 2)] public Regs[] Channels = new Regs[2] { new(), new() };")]
    [InlineData("public int N; [VmStateField(Count = nameof(N))] public Regs[] Channels = new Regs[0];")]
    [InlineData("public Regs[] NotMigrated = new Regs[2];")]
    public void Filled_empty_and_unmigrated_arrays_are_clean(string members) => Assert.Empty(Run(Source(members)));

    [Theory]
    [InlineData("public Dma() { for (int i = 0; i < 2; i++) Channels[i] = new(); }")]
    [InlineData("public Dma() { this.Channels = [new(), new()]; }")]
    public void An_array_assigned_in_a_constructor_is_clean(string constructor) =>
        Assert.Empty(Run(Source("[VmStateField(Length = 2)] public Regs[] Channels = new Regs[2];", constructor)));

    [Fact]
    public void Value_type_elements_are_clean()
    {
        string source = """
            using VmState.Description;

            namespace Tests;

            [VmState("seg")]
            public partial struct Seg
            {
                [VmStateField] public int A;
            }

            [VmState("cpu")]
            public partial class Cpu
            {
                [VmStateField(Length = 2)] public Seg[] Segs = new Seg[2];
            }
            """;

        Assert.Empty(Run(source));
    }
}
