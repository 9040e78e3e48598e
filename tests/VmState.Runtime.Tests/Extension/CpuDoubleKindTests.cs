using VmState.Codecs;
using VmState.Description;
using VmState.Schema;
using VmState.Wire;

namespace VmState.Runtime.Tests.Extension;

/// <summary>
/// The extension point: QEMU's <c>CPU_Double_U</c> kind (ppc and sparc floating-point registers) was added as one codec
/// file, <c>Codecs/CpuDoubleCodec.cs</c>, and no generator change. Arrays take the codec's default element loop.
/// </summary>
public sealed class CpuDoubleKindTests
{
    // 1.0 = 0x3ff0000000000000, -2.5 = 0xc004000000000000, 2^-1074 (the smallest subnormal) = 0x0000000000000001.
    private const string Fpr = "3f f0 00 00 00 00 00 00 | c0 04 00 00 00 00 00 00 | 00 00 00 00 00 00 00 01";
    private const string Fpscr = "40 09 21 fb 54 44 2d 18"; // pi

    [Fact]
    public void Upper_then_lower_word_each_big_endian()
    {
        Hex.AssertSaves(Device(), Fpr + " | " + Fpscr);
    }

    [Fact]
    public void The_bytes_load_back_bit_for_bit()
    {
        var loaded = new FprDev();
        VmStateSerializer.Load(loaded, Hex.Bytes(Fpr + Fpscr));
        Assert.Equal([1.0, -2.5, double.Epsilon], loaded.Fpr);
        Assert.Equal(Math.PI, loaded.Fpscr);
    }

    [Fact]
    public void A_nan_payload_survives()
    {
        var dev = new FprDev { Fpscr = BitConverter.UInt64BitsToDouble(0x7ff8_dead_beef_0001) };
        var loaded = new FprDev();
        VmStateSerializer.Load(loaded, VmStateSerializer.Save(dev));
        Assert.Equal(0x7ff8_dead_beef_0001UL, BitConverter.DoubleToUInt64Bits(loaded.Fpscr));
    }

    [Fact]
    public void Vmdescription_names_the_kind_as_qemu_does()
    {
        Assert.Equal(
            "{\"vmsd_name\": \"fpu\", \"version\": 1, \"fields\": [" +
            "{\"name\": \"fpr\", \"array_len\": 3, \"type\": \"CPU_Double_U\", \"size\": 8}, " +
            "{\"name\": \"fpscr_d\", \"type\": \"CPU_Double_U\", \"size\": 8}]}",
            VmStateSerializer.Describe(Device()));
    }

    [Fact]
    public void Dump_vmstate_gives_the_element_size_and_count()
    {
        // -dump-vmstate has no type names; a kind shows there only through its size.
        string dump = DumpVmStateWriter.Write("m", [FprDev.VmStateDescription]);
        Assert.Contains("\"field\": \"fpr\",\n          \"version_id\": 0,\n          \"field_exists\": false,\n          \"num\": 3,\n          \"size\": 8", dump, StringComparison.Ordinal);
        Assert.Equal(8, FprDev.VmStateDescription.Fields[1].Size);
        Assert.Equal("CPU_Double_U", FprDev.VmStateDescription.Fields[1].TypeName);
    }

    [Fact]
    public void Truncation_inside_the_array_names_the_element_and_offset()
    {
        // The second element's lower word is cut: the default loop reports the element it was at.
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(new FprDev(), Hex.Bytes(Fpr).AsSpan(0, 14)));
        Assert.Equal("fpu/fpr[1]", e.Location);
        Assert.Equal(12, e.Offset);
        Assert.True(e.IsEndOfInput);
    }

    private static FprDev Device() => new() { Fpr = [1.0, -2.5, double.Epsilon], Fpscr = Math.PI };
}

[VmState("fpu")]
public partial class FprDev
{
    [VmStateField("fpr", Length = 3, Codec = typeof(CpuDoubleCodec))]
    public double[] Fpr = new double[3];

    [VmStateField("fpscr_d", Codec = typeof(CpuDoubleCodec))]
    public double Fpscr;
}
