using System.Text.Json;
using System.Text;
using VmState.Description;
using VmState.Qemu.X86;
using VmState.Schema;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>
/// <c>cpu/kvm_nested_state</c> as QEMU 7.2 nests it: the two VMCS parts are subsections of
/// <c>cpu/kvm_nested_state/vmx</c>, saved after its fields, and shown inside it by VMDESCRIPTION and -dump-vmstate.
/// </summary>
public sealed class KvmNestedStateTests
{
    private const string Vmx = "cpu/kvm_nested_state/vmx";
    private const string Vmcs12 = "cpu/kvm_nested_state/vmx/vmcs12";
    private const string Shadow = "cpu/kvm_nested_state/vmx/shadow_vmcs12";

    private static KvmNestedState VmxState(uint size)
    {
        var s = new KvmNestedState
        {
            StateFlags = 0x0003,
            Format = KvmNestedState.FormatVmx,
            Size = size,
            VmxonPa = 0x0000_0000_0012_3000,
            Vmcs12Pa = 0x0000_0000_0045_6000,
            VmxSmmFlags = 0x0102,
        };
        s.Vmcs12[0] = 0xa0;
        s.Vmcs12[KvmNestedState.VmcsSize - 1] = 0xa1;
        s.ShadowVmcs12[0] = 0xb0;
        s.ShadowVmcs12[KvmNestedState.VmcsSize - 1] = 0xb1;
        return s;
    }

    // Marker, counted name, be32 version 1: the subsection header as QEMU writes it.
    private static byte[] Header(string name) =>
        [0x05, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), 0x00, 0x00, 0x00, 0x01];

    private static byte[] Vmcs(byte first, byte last)
    {
        byte[] b = new byte[KvmNestedState.VmcsSize];
        b[0] = first;
        b[^1] = last;
        return b;
    }

    private static byte[] Fields(uint size) =>
    [
        0x00, 0x03,                                         // flags
        0x00, 0x00,                                         // format: VMX
        (byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size,
    ];

    private static readonly byte[] VmxFields =
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x30, 0x00,     // hdr.vmx.vmxon_pa
        0x00, 0x00, 0x00, 0x00, 0x00, 0x45, 0x60, 0x00,     // hdr.vmx.vmcs12_pa
        0x01, 0x02,                                         // hdr.vmx.smm.flags
    ];

    [Fact]
    public void Vmx_part_carries_both_vmcs_parts_after_its_own_fields_and_round_trips()
    {
        uint size = KvmNestedState.HeaderSize + (2 * KvmNestedState.VmcsSize);
        byte[] expected =
        [
            .. Fields(size),
            .. Header(Vmx), .. VmxFields,
            .. Header(Vmcs12), .. Vmcs(0xa0, 0xa1),
            .. Header(Shadow), .. Vmcs(0xb0, 0xb1),
        ];
        Assert.Equal(0x18, Header(Vmx)[1]);
        Assert.Equal(0x1f, Header(Vmcs12)[1]);

        byte[] saved = VmStateSerializer.Save(VmxState(size));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(saved));

        var copy = new KvmNestedState();
        VmStateSerializer.Load(copy, saved);
        Assert.Equal(0x0012_3000UL, copy.VmxonPa);
        Assert.Equal(0x0045_6000UL, copy.Vmcs12Pa);
        Assert.Equal(0x0102, copy.VmxSmmFlags);
        Assert.Equal(0xa1, copy.Vmcs12[^1]);
        Assert.Equal(0xb0, copy.ShadowVmcs12[0]);
        Assert.Equal(saved, VmStateSerializer.Save(copy));
    }

    [Fact]
    public void Shadow_vmcs_is_left_out_when_the_kernel_structure_ends_before_it_and_loading_accepts_that()
    {
        uint size = KvmNestedState.HeaderSize + KvmNestedState.VmcsSize;
        byte[] expected = [.. Fields(size), .. Header(Vmx), .. VmxFields, .. Header(Vmcs12), .. Vmcs(0xa0, 0xa1)];
        byte[] saved = VmStateSerializer.Save(VmxState(size));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(saved));

        var copy = new KvmNestedState();
        VmStateSerializer.Load(copy, saved);
        Assert.Equal(0xa0, copy.Vmcs12[0]);
        Assert.Equal(0, copy.ShadowVmcs12[0]);
    }

    [Fact]
    public void Vmcs_parts_are_not_sent_without_an_active_vmx_part()
    {
        KvmNestedState s = VmxState(KvmNestedState.HeaderSize + (2 * KvmNestedState.VmcsSize));
        s.VmxonPa = ulong.MaxValue;
        Assert.Equal(Convert.ToHexString(Fields(s.Size)), Convert.ToHexString(VmStateSerializer.Save(s)));
    }

    [Fact]
    public void Vmcs_part_outside_the_vmx_part_is_refused_as_qemu_does()
    {
        uint size = KvmNestedState.HeaderSize + KvmNestedState.VmcsSize;
        byte[] stray = [.. Fields(size), .. Header(Vmcs12), .. Vmcs(0xa0, 0xa1)];
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(new KvmNestedState(), stray));
        Assert.Contains("'" + Vmcs12 + "' does not exist in 'cpu/kvm_nested_state'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vmdescription_shows_the_vmcs_parts_inside_the_vmx_part()
    {
        KvmNestedState s = VmxState(KvmNestedState.HeaderSize + (2 * KvmNestedState.VmcsSize));
        using JsonDocument doc = JsonDocument.Parse(VmStateSerializer.Describe(s));
        JsonElement top = Assert.Single(doc.RootElement.GetProperty("subsections").EnumerateArray());
        Assert.Equal(Vmx, top.GetProperty("vmsd_name").GetString());
        Assert.Equal(
            [Vmcs12, Shadow],
            top.GetProperty("subsections").EnumerateArray().Select(x => x.GetProperty("vmsd_name").GetString()));
        Assert.Equal(VmStateSerializer.Save(s).Length, VmStateSerializer.SizeOf(s));
    }

    [Fact]
    public void Metadata_and_dump_vmstate_nest_the_vmcs_parts_in_the_vmx_part()
    {
        VmStateDescription d = KvmNestedState.VmStateDescription;
        Assert.Equal([Vmx, "cpu/kvm_nested_state/svm"], d.Subsections.Select(x => x.Name));
        Assert.Equal([Vmcs12, Shadow], d.Subsections[0].Subsections.Select(x => x.Name));

        string dump = DumpVmStateWriter.Write("pc-test", [d]);
        int vmx = dump.IndexOf("\"name\": \"" + Vmx + "\"", StringComparison.Ordinal);
        int inner = dump.IndexOf("\"Subsections\": [", vmx, StringComparison.Ordinal);
        int vmcs = dump.IndexOf("\"name\": \"" + Vmcs12 + "\"", StringComparison.Ordinal);
        int svm = dump.IndexOf("\"name\": \"cpu/kvm_nested_state/svm\"", StringComparison.Ordinal);
        Assert.True(vmx > 0 && inner > vmx && vmcs > inner && svm > vmcs, dump);
        // The VMCS entries are indented one level deeper than the VMX entry.
        int Indent(int at) => at - dump.LastIndexOf('\n', at) - 1;
        Assert.Equal(Indent(vmx) + 4, Indent(vmcs));
        Assert.Equal(Indent(vmx), Indent(svm));
    }
}
