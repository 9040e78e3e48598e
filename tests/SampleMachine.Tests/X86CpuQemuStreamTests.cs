using System.Buffers.Binary;
using System.Buffers;
using System.Text.Json;
using SampleMachine.Cli;
using VmState.Description;
using VmState.Qemu.X86;
using VmState.Schema;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>The x86 CPU model (<c>cpu</c> and <c>cpu_common</c>) against the sections of a real QEMU 7.2 stream.</summary>
public sealed class X86CpuQemuStreamTests
{
    // QEMU 7.2's subsection list of vmstate_x86_cpu for an x86-64 target with KVM support compiled in, in order.
    private static readonly string[] QemuCpuSubsections =
    [
        "cpu/exception_info", "cpu/async_pf_msr", "cpu/async_pf_int_msr", "cpu/async_pv_eoi_msr", "cpu/steal_time_msr",
        "cpu/poll_control_msr", "cpu/fpop_ip_dp", "cpu/msr_tsc_adjust", "cpu/msr_tscdeadline", "cpu/msr_ia32_misc_enable",
        "cpu/msr_ia32_feature_control", "cpu/msr_architectural_pmu", "cpu/mpx", "cpu/msr_hyperv_hypercall",
        "cpu/msr_hyperv_vapic", "cpu/msr_hyperv_time", "cpu/msr_hyperv_crash", "cpu/msr_hyperv_runtime",
        "cpu/msr_hyperv_synic", "cpu/msr_hyperv_stimer", "cpu/msr_hyperv_reenlightenment", "cpu/avx512", "cpu/xss",
        "cpu/umwait", "cpu/tsc_khz", "cpu/msr_smi_count", "cpu/pkru", "cpu/pkrs", "cpu/spec_ctrl", "cpu/amd_tsc_scale_msr",
        "cpu/mcg_ext_ctl", "cpu/intel_pt", "cpu/virt_ssbd", "cpu/svn_npt", "cpu/svm_guest", "cpu/nested_state",
        "cpu/msr_tsx_ctrl", "cpu/intel_sgx", "cpu/pdptrs", "cpu/msr_xfd", "cpu/intel_amx_xtile", "cpu/arch_lbr",
        "cpu/triple_fault",
    ];

    private static (byte[] Stream, StreamSections.Section Section) Real(string idStr)
    {
        byte[] stream = Fixtures.Bytes("pc-16m.migration");
        return (stream, StreamSections.FindFull(stream, idStr));
    }

    private static int LoadReal<T>(T device, byte[] stream, StreamSections.Section section)
        where T : IVmStateObject
    {
        var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
        device.LoadVmState(ref reader, section.Version);
        return (int)(reader.Position - section.BodyStart);
    }

    private static X86Cpu LoadedCpu()
    {
        (byte[] stream, StreamSections.Section section) = Real("cpu");
        var cpu = new X86Cpu();
        LoadReal(cpu, stream, section);
        return cpu;
    }

    private static void AssertRoundTrip<T>(T device, string idStr, int version)
        where T : IVmStateObject
    {
        (byte[] stream, StreamSections.Section section) = Real(idStr);
        Assert.Equal(0, section.InstanceId);
        Assert.Equal(version, section.Version);

        int bodyLength = LoadReal(device, stream, section);

        // The body ends right where QEMU put the section footer (0x7e + the same section id).
        Assert.Equal(0x7e, stream[section.BodyStart + bodyLength]);
        Assert.Equal(section.SectionId, BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(section.BodyStart + bodyLength + 1)));

        byte[] saved = VmStateSerializer.Save(device);
        Assert.Equal(stream.AsSpan(section.BodyStart, bodyLength).ToArray(), saved);
        Assert.Equal(bodyLength, VmStateSerializer.SizeOf(device));
    }

    private static void AssertVmdescription<T>(T device, string idStr)
        where T : IVmStateObject
    {
        (byte[] stream, StreamSections.Section section) = Real(idStr);
        LoadReal(device, stream, section);

        string expected = StreamSections.DeviceObject(StreamSections.VmDescription(stream), idStr);
        var json = new VmDescriptionWriter();
        json.BeginObject();
        json.String("name", idStr);
        json.Number("instance_id", section.InstanceId);
        device.DescribeVmState(json);
        json.EndObject();
        Assert.Equal(expected, json.ToString());
    }

    [Fact]
    public void Cpu_section_loads_and_saves_back_byte_identical()
    {
        AssertRoundTrip(new X86Cpu(), "cpu", 12);
    }

    [Fact]
    public void Cpu_common_section_loads_and_saves_back_byte_identical()
    {
        AssertRoundTrip(new CpuCommon(), "cpu_common", 1);
    }

    [Fact]
    public void Cpu_vmdescription_equals_qemus_text()
    {
        AssertVmdescription(new X86Cpu(), "cpu");
    }

    [Fact]
    public void Cpu_common_vmdescription_equals_qemus_text()
    {
        AssertVmdescription(new CpuCommon(), "cpu_common");
    }

    [Fact]
    public void Load_and_save_into_existing_buffers_allocate_nothing()
    {
        (byte[] stream, StreamSections.Section section) = Real("cpu");
        var cpu = new X86Cpu();
        var output = new byte[64 * 1024];

        void Round()
        {
            var reader = new VmStateReader(stream.AsSpan(section.BodyStart), section.BodyStart);
            cpu.LoadVmState(ref reader, section.Version);
            var writer = new VmStateWriter(output.AsSpan());
            cpu.SaveVmState(ref writer);
        }

        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Loaded_state_is_what_the_firmware_left()
    {
        X86Cpu cpu = LoadedCpu();

        // SeaBIOS in 32-bit protected mode, flat segments, at CPL 0.
        Assert.Equal(0x2bb1UL, cpu.Rip);
        Assert.Equal(0xfdcf0000UL, cpu.Reg(X86Register.Rax));
        Assert.Equal(0x11UL, cpu.Cr[0]);
        Assert.Equal(0x08u, cpu.Seg(X86Segment.Cs).Selector);
        Assert.Equal(0, cpu.Cpl);
        Assert.Equal(-1, cpu.A20Mask);
        Assert.Equal(0x1f80u, cpu.Mxcsr);
        Assert.Equal(0x80000000UL, cpu.MtrrVars[0].Base);

        // Post-load derived the x87 view: stack top 0, all registers empty.
        Assert.Equal(0, cpu.Fpstt);
        Assert.All(cpu.FpTags, t => Assert.Equal(1, t));

        // The two subsections QEMU sent: poll control (0 under TCG) and the SMI count.
        Assert.Equal(0UL, cpu.PollControlMsr);
        Assert.Equal(0x0bUL, cpu.MsrSmiCountValue);
    }

    [Fact]
    public void Reset_state_sends_the_same_subsections_as_qemu_under_tcg()
    {
        var cpu = new X86Cpu();
        var json = new VmDescriptionWriter();
        json.BeginObject();
        cpu.DescribeVmState(json);
        json.EndObject();

        // Only poll control (a TCG CPU keeps 0, KVM would set 1); no SMI happened yet.
        Assert.Contains("\"subsections\": [{\"vmsd_name\": \"cpu/poll_control_msr\"", json.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("cpu/msr_smi_count", json.ToString(), StringComparison.Ordinal);

        cpu.MsrSmiCountValue = 3;
        cpu.MigrateSmiCount = false;
        Assert.DoesNotContain("cpu/msr_smi_count", Describe(cpu), StringComparison.Ordinal);
        cpu.MigrateSmiCount = true;
        Assert.Contains("cpu/msr_smi_count", Describe(cpu), StringComparison.Ordinal);

        cpu.XmmRegs[20].Q[3] = 1; // a register above 15 is AVX-512 state
        Assert.Contains("cpu/avx512", Describe(cpu), StringComparison.Ordinal);
    }

    private static string Describe(X86Cpu cpu)
    {
        var json = new VmDescriptionWriter();
        json.BeginObject();
        cpu.DescribeVmState(json);
        json.EndObject();
        return json.ToString();
    }

    [Fact]
    public void Every_subsection_round_trips_when_all_are_sent()
    {
        X86Cpu cpu = LoadedCpu();
        cpu.HasNestedState = true;
        cpu.NestedState.Format = KvmNestedState.FormatVmx;
        cpu.NestedState.Size = KvmNestedState.HeaderSize + (2 * KvmNestedState.VmcsSize);
        cpu.NestedState.VmxonPa = 0x1000;
        cpu.NestedState.Vmcs12[5] = 0x55;
        cpu.NestedState.ShadowVmcs12[7] = 0x77;
        cpu.XmmRegs[31].Q[7] = 0x3131;
        cpu.LbrRecords[31].Info = 0x1f;
        cpu.MsrGpEvtsel[17] = 0x42;
        cpu.XtileData[8191] = 0x99;

        byte[] all = SaveAll(cpu);
        var copy = new X86Cpu();
        var reader = new VmStateReader(all);
        copy.LoadVmState(ref reader, 12);
        Assert.Equal(all.Length, (int)reader.Position);
        Assert.Equal(all, SaveAll(copy));
        Assert.Equal(0x3131UL, copy.XmmRegs[31].Q[7]);
        Assert.Equal(0x77, copy.NestedState.ShadowVmcs12[7]);
        Assert.True(copy.PdptrsValid);

        // With only the needed ones, the nested VMX parts follow the VMX header in QEMU's order.
        string desc = Describe(cpu);
        int vmx = desc.IndexOf("\"cpu/kvm_nested_state/vmx\"", StringComparison.Ordinal);
        int vmcs = desc.IndexOf("\"cpu/kvm_nested_state/vmx/vmcs12\"", StringComparison.Ordinal);
        int shadow = desc.IndexOf("\"cpu/kvm_nested_state/vmx/shadow_vmcs12\"", StringComparison.Ordinal);
        Assert.True(vmx > 0 && vmcs > vmx && shadow > vmcs, desc);
        Assert.DoesNotContain("cpu/kvm_nested_state/svm", desc, StringComparison.Ordinal);
    }

    private static byte[] SaveAll(X86Cpu cpu)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new VmStateWriter(output) { SaveAllSubsections = true };
        cpu.SaveVmState(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_version_11_stream_loads_without_the_xsave_fields()
    {
        (byte[] stream, StreamSections.Section section) = Real("cpu");
        var full = new X86Cpu();
        int bodyLength = LoadReal(full, stream, section);

        // Version 11 ends the field list before xcr0, xstate_bv and the sixteen upper YMM halves (8 + 8 + 16 x 16 bytes).
        const int v12Only = 8 + 8 + (16 * 16);
        byte[] body = stream.AsSpan(section.BodyStart, bodyLength).ToArray();
        int fieldsEnd = bodyLength - SubsectionBytes(full);
        byte[] v11 = [.. body.AsSpan(0, fieldsEnd - v12Only), .. body.AsSpan(fieldsEnd)];

        var cpu = new X86Cpu();
        cpu.Xcr0 = 7;
        var reader = new VmStateReader(v11);
        cpu.LoadVmState(ref reader, 11);
        Assert.Equal(v11.Length, (int)reader.Position);
        Assert.Equal(full.Rip, cpu.Rip);
        Assert.Equal(0x0bUL, cpu.MsrSmiCountValue);
        Assert.Equal(7UL, cpu.Xcr0); // not in the stream: left alone
    }

    // Bytes of the subsections this CPU sends: header (marker, length, name, version) and body of each.
    private static int SubsectionBytes(X86Cpu cpu)
    {
        using JsonDocument doc = JsonDocument.Parse(Describe(cpu));
        int total = 0;
        if (doc.RootElement.TryGetProperty("subsections", out JsonElement subs))
        {
            foreach (JsonElement s in subs.EnumerateArray())
            {
                total += 1 + 1 + s.GetProperty("vmsd_name").GetString()!.Length + 4;
                foreach (JsonElement f in s.GetProperty("fields").EnumerateArray())
                {
                    total += f.GetProperty("size").GetInt32() * (f.TryGetProperty("array_len", out JsonElement n) ? n.GetInt32() : 1);
                }
            }
        }

        return total;
    }

    [Fact]
    public void Cpu_common_drops_the_obsolete_exit_request_and_keeps_a_pending_exception()
    {
        var common = new CpuCommon { InterruptRequest = CpuCommon.InterruptHard | CpuCommon.ObsoleteExitRequest, ExceptionIndex = 14, CrashOccurred = true };
        byte[] saved = VmStateSerializer.Save(common);
        var copy = new CpuCommon { ExceptionIndex = 3 };
        var reader = new VmStateReader(saved);
        copy.LoadVmState(ref reader, 1);
        Assert.Equal(CpuCommon.InterruptHard, copy.InterruptRequest);
        Assert.Equal(14, copy.ExceptionIndex);
        Assert.True(copy.CrashOccurred);

        // Without the subsection the destination's stale exception is cleared.
        common.ExceptionIndex = CpuCommon.NoException;
        saved = VmStateSerializer.Save(common);
        reader = new VmStateReader(saved);
        copy.LoadVmState(ref reader, 1);
        Assert.Equal(CpuCommon.NoException, copy.ExceptionIndex);
    }

    [Fact]
    public void Step_is_deterministic_and_survives_migration()
    {
        var a = new X86Cpu();
        var b = new X86Cpu();
        for (ulong i = 0; i < 100; i++)
        {
            a.Step(i);
        }

        byte[] saved = VmStateSerializer.Save(a);
        var reader = new VmStateReader(saved);
        b.LoadVmState(ref reader, 12);
        for (ulong i = 100; i < 200; i++)
        {
            a.Step(i);
            b.Step(i);
        }

        Assert.Equal(VmStateSerializer.Save(a), VmStateSerializer.Save(b));
        Assert.NotEqual(new X86Cpu().Regs, a.Regs);
    }

    // ---- -dump-vmstate ----

    private static JsonElement DumpEntry(string name)
    {
        string text = DumpVmStateWriter.Write(CommandLine.MachineName, CommandLine.KnownDevices, new DumpVmStateOptions { IncludeNum = false });
        using JsonDocument doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty(name).Clone();
    }

    [Fact]
    public void Dump_of_cpu_common_is_what_qemu_prints_for_it()
    {
        // QEMU 7.2's -dump-vmstate has no CPU entries (the CPU descriptions are registered with vmstate_register,
        // not as a device class's vmsd), so this is the text QEMU's dump code gives for vmstate_cpu_common.
        const string expected = """
              "cpu_common": {
                "Name": "cpu_common",
                "version_id": 1,
                "minimum_version_id": 1,
                "Description": {
                  "name": "cpu_common",
                  "version_id": 1,
                  "minimum_version_id": 1,
                  "Fields": [
                    {
                      "field": "halted",
                      "version_id": 0,
                      "field_exists": false,
                      "size": 4
                    },
                    {
                      "field": "interrupt_request",
                      "version_id": 0,
                      "field_exists": false,
                      "size": 4
                    }
                  ],
                  "Subsections": [
                    {
                      "name": "cpu_common/exception_index",
                      "version_id": 1,
                      "minimum_version_id": 1,
                      "Fields": [
                        {
                          "field": "exception_index",
                          "version_id": 0,
                          "field_exists": false,
                          "size": 4
                        }
                      ]
                    },
                    {
                      "name": "cpu_common/crash_occurred",
                      "version_id": 1,
                      "minimum_version_id": 1,
                      "Fields": [
                        {
                          "field": "crash_occurred",
                          "version_id": 0,
                          "field_exists": false,
                          "size": 1
                        }
                      ]
                    }
                  ]
                }
              }
            """;
        string text = DumpVmStateWriter.Write(CommandLine.MachineName, CommandLine.KnownDevices, new DumpVmStateOptions { IncludeNum = false });
        int start = text.IndexOf("  \"cpu_common\": {\n", StringComparison.Ordinal);
        Assert.True(start >= 0);
        int end = text.IndexOf("\n  }", start, StringComparison.Ordinal) + 4;
        Assert.Equal(expected.Replace("\r\n", "\n", StringComparison.Ordinal), text[start..end]);
    }

    [Fact]
    public void Dump_of_cpu_has_qemus_fields_versions_sizes_and_subsections()
    {
        JsonElement entry = DumpEntry("cpu");
        Assert.Equal(12, entry.GetProperty("version_id").GetInt32());
        Assert.Equal(11, entry.GetProperty("minimum_version_id").GetInt32());
        JsonElement description = entry.GetProperty("Description");
        JsonElement[] fields = [.. description.GetProperty("Fields").EnumerateArray()];

        // The field names are those QEMU wrote into the real stream's VMDESCRIPTION (which adds [k] to repeated names).
        (byte[] stream, _) = Real("cpu");
        using JsonDocument vmdesc = JsonDocument.Parse(StreamSections.DeviceObject(StreamSections.VmDescription(stream), "cpu"));
        string[] streamNames = [.. vmdesc.RootElement.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()!)];
        string[] names = [.. fields.Select(f => f.GetProperty("field").GetString()!)];
        Assert.Equal(streamNames, Uniquified(names));

        // Sizes: the element size of every value field equals what the stream says; structs show the C sizeof.
        var cSizes = new Dictionary<string, int> { ["segment"] = 24, ["fpreg"] = 16, ["xmm_reg"] = 64, ["ymmh_reg"] = 64, ["mtrr_var"] = 16 };
        JsonElement[] streamFields = [.. vmdesc.RootElement.GetProperty("fields").EnumerateArray()];
        for (int i = 0; i < fields.Length; i++)
        {
            int size = fields[i].GetProperty("size").GetInt32();
            Assert.False(fields[i].GetProperty("field_exists").GetBoolean());
            if (fields[i].TryGetProperty("Description", out JsonElement nested))
            {
                Assert.Equal(cSizes[nested.GetProperty("name").GetString()!], size);
            }
            else
            {
                Assert.Equal(streamFields[i].GetProperty("size").GetInt32(), size);
            }

            int expectedVersion = names[i] switch
            {
                "env.mtrr_var" => 8,
                "env.xcr0" or "env.xstate_bv" => 12,
                "env.xmm_regs" when i == fields.Length - 1 => 12,
                _ => 0,
            };
            Assert.Equal(expectedVersion, fields[i].GetProperty("version_id").GetInt32());
        }

        // The x87 registers: a struct of version 0 holding only the tmp, whose C type is 24 bytes.
        JsonElement fpreg = fields[Array.IndexOf(names, "env.fpregs")].GetProperty("Description");
        Assert.Equal(0, fpreg.GetProperty("version_id").GetInt32());
        Assert.Equal(0, fpreg.GetProperty("minimum_version_id").GetInt32());
        JsonElement tmp = fpreg.GetProperty("Fields")[0];
        Assert.Equal("tmp", tmp.GetProperty("field").GetString());
        Assert.Equal(24, tmp.GetProperty("size").GetInt32());
        Assert.Equal("fpreg_tmp", tmp.GetProperty("Description").GetProperty("name").GetString());

        string[] subsections = [.. description.GetProperty("Subsections").EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];
        Assert.Equal(QemuCpuSubsections, subsections);
        foreach (JsonElement s in description.GetProperty("Subsections").EnumerateArray())
        {
            Assert.Equal(1, s.GetProperty("version_id").GetInt32());
            Assert.Equal(1, s.GetProperty("minimum_version_id").GetInt32());
        }
    }

    private static string[] Uniquified(string[] names)
    {
        var seen = new Dictionary<string, int>();
        return [.. names.Select(n =>
        {
            if (names.Count(x => x == n) == 1)
            {
                return n;
            }

            seen.TryGetValue(n, out int k);
            seen[n] = k + 1;
            return $"{n}[{k}]";
        })];
    }
}
