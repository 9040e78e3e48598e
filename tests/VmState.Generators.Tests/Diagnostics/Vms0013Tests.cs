using Microsoft.CodeAnalysis;
using VmState.Codecs;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;
using VmState.Wire;

namespace VmState.Generators.Tests.Diagnostics;

/// <summary>VMS0013: Equal, PositiveLe or Default on a member they do not fit.</summary>
public sealed class Vms0013Tests
{
    private static string Device(string member) => $$"""
        using VmState.Codecs; using VmState.Description; using VmState.Wire;
        using VmState.Codecs;

        namespace Tests;

        public enum Mode : uint { Off, On }

        [VmState("point")]
        public partial struct Point
        {
            [VmStateField] public int X;
        }

        public sealed class PointCodec : IVmStateCodec<PointCodec, Point>
        {
            public static string TypeName => "point";
            public static int Size => 4;
            public static void Save(ref VmStateWriter writer, Point value) => Int32Codec.Save(ref writer, value.X);
            public static void Load(ref VmStateReader reader, ref Point value) => Int32Codec.Load(ref reader, ref value.X);
        }

        [VmState("dev")]
        public partial class Dev
        {
            {{member}}
        }
        """;

    [Theory]
    [InlineData("[VmStateField(Equal = true)] public short Bad;", "Equal applies to byte, ushort, uint, int and ulong")]
    [InlineData("[VmStateField(Equal = true)] public long Bad;", "Equal applies to byte, ushort, uint, int and ulong")]
    [InlineData("[VmStateField(PositiveLe = true)] public uint Bad;", "PositiveLe applies to int")]
    [InlineData("[VmStateField(Equal = true)] public Mode Bad;", "one at a time, without a Codec")]
    [InlineData("[VmStateField(Equal = true, PositiveLe = true)] public int Bad;", "one at a time")]
    [InlineData("[VmStateField(Equal = true, Codec = typeof(UInt32Codec))] public uint Bad;", "without a Codec")]
    [InlineData("[VmStateField(Equal = true)] public Point Bad;", "plain integer members")]
    [InlineData("[VmStateField(Default = 3)] public Point Bad;", "Default applies to values")]
    public void Reports_an_option_that_does_not_fit(string member, string problem)
    {
        Diagnostic d = DiagnosticAssert.Reports("VMS0013", Device(member), "Bad", "Bad");
        Assert.Contains(problem, d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[VmStateField(Default = \"seven\")] public int Bad;")]
    [InlineData("[VmStateField(Default = 1.5)] public int Bad;")]
    [InlineData("[VmStateField(Default = 'a')] public ushort Bad;")]
    [InlineData("[VmStateField(Default = 1)] public bool Bad;")]
    [InlineData("[VmStateField(Default = true)] public uint Bad;")]
    [InlineData("[VmStateField(Default = 5L)] public VmTimer Bad;")]
    [InlineData("[VmStateField(Default = 1, Codec = typeof(PointCodec))] public Point Bad;")]
    public void Reports_a_default_that_is_not_a_constant_of_the_member_type(string member)
    {
        Diagnostic d = DiagnosticAssert.Reports("VMS0013", Device(member), "Bad", "Bad");
        Assert.Contains("Default", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[VmStateField(Equal = true)] public byte Good;")]
    [InlineData("[VmStateField(Equal = true)] public ushort Good;")]
    [InlineData("[VmStateField(Equal = true)] public uint Good;")]
    [InlineData("[VmStateField(Equal = true)] public int Good;")]
    [InlineData("[VmStateField(Equal = true)] public ulong Good;")]
    [InlineData("[VmStateField(PositiveLe = true)] public int Good;")]
    [InlineData("[VmStateField(Since = 1, Default = 7)] public uint Good;")]
    [InlineData("[VmStateField(Default = -1)] public uint Good;")]
    [InlineData("[VmStateField(Default = 2)] public double Good;")]
    [InlineData("[VmStateField(Default = 0.25)] public double Good;")]
    [InlineData("[VmStateField(Default = true)] public bool Good;")]
    [InlineData("[VmStateField(Default = Mode.On)] public Mode Good;")]
    [InlineData("[VmStateField(Default = (byte)0xff, Length = 2, AsArray = true)] public byte[] Good = new byte[2];")]
    [InlineData("[VmStateField(Default = 3, Length = 2)] public Mode[] Good = new Mode[2];")]
    public void Does_not_report_options_that_fit(string member)
    {
        DiagnosticAssert.Clean(Device(member));
    }
}
