using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using SampleMachine.Cli;
using VmState.Analysis;

namespace SampleMachine.Tests;

/// <summary>
/// <c>convert</c> between QEMU 7.2's and 10.0's streams on the recorded fixtures: what changes (machine type,
/// SWITCHOVER_START, the VMDESCRIPTION's names and shapes), what stays byte for byte, and the refusal of a value the
/// target has no place for, naming device, field and value (or, with --lossy, its listing).
/// </summary>
public sealed class ConvertTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vmstate-convert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_qemu_10_pc_stream_becomes_a_7_2_stream_and_converts_back_with_the_same_device_bytes()
    {
        string source = Fixtures.Qemu10Path("pc-16m.migration");
        string down = Path.Combine(_dir, "down.mig");
        string up = Path.Combine(_dir, "up.mig");

        (int rc, string text, string errors) = InProcessCli.Run("convert", source, down, "--to", "7.2");

        Assert.True(rc == 0, text + errors);
        Assert.Contains("converted pc-i440fx-10.0 (QEMU 10.0's descriptions) to pc-i440fx-7.2 (QEMU 7.2)", text, StringComparison.Ordinal);
        string frames = Frames(down);
        Assert.Contains("CONFIGURATION machine='pc-i440fx-7.2'", frames, StringComparison.Ordinal);
        Assert.DoesNotContain("SWITCHOVER_START", frames, StringComparison.Ordinal);
        JsonObject desc = VmDescription(down);
        Assert.Null(desc["configuration"]);
        Assert.Equal(["config", "isr", "hpet_counter", "num_timers", "timer"], FieldNames(desc, "hpet"));
        Assert.Equal(["size", "runstate"], FieldNames(desc, "globalstate"));

        // QEMU 10 leaves "index" off ide's last bmdma element; restored, QEMU 7.2's script sees both elements.
        Assert.Equal(AnalyzerRules.Qemu72, RulesOf(down));
        Assert.Contains("\"bmdma\": [", MigrationStreamAnalyzer.State(File.ReadAllBytes(down)).ToJson(), StringComparison.Ordinal);
        Assert.Equal(1, InProcessCli.Run("convert", source, Path.Combine(_dir, "x.mig"), "--to", "7.2", "--machine", "pc-i440fx-10.0").Rc);

        Assert.Equal(0, InProcessCli.Run("convert", down, up, "--to", "10.0").Rc);
        Assert.Contains("COMMAND SWITCHOVER_START", Frames(up), StringComparison.Ordinal);
        Assert.Equal(["config", "isr", "hpet_counter", "num_timers_save", "timer"], FieldNames(VmDescription(up), "hpet"));
        Assert.Equal(["size", "runstate", "has_vm_was_suspended", "vm_was_suspended", "unused"], FieldNames(VmDescription(up), "globalstate"));

        // Every byte before the VMDESCRIPTION is the original's but globalstate's has_vm_was_suspended, which 7.2
        // does not keep: cleared going down, it stays 0 (not told) coming up.
        byte[] original = File.ReadAllBytes(source);
        byte[] back = File.ReadAllBytes(up);
        int end = EndOfSections(original);
        Assert.Equal(end, EndOfSections(back));
        int[] differ = [.. Enumerable.Range(0, end).Where(i => original[i] != back[i])];
        int flag = Find(original, "\u000bglobalstate"u8) + 12 + 8 + 4 + 32;
        Assert.Equal([flag], differ);
        Assert.Equal(1, original[flag]);
    }

    [Fact]
    public void A_qemu_7_2_stream_becomes_a_10_0_stream_that_our_analyzer_reads_with_qemu_10s_rules()
    {
        string up = Path.Combine(_dir, "up.mig");

        (int rc, string text, string errors) = InProcessCli.Run("convert", Fixtures.Path_("q35-16m.migration"), up, "--to", "10.0");

        Assert.True(rc == 0, text + errors);
        Assert.Contains("to pc-q35-10.0 (QEMU 10.0)", text, StringComparison.Ordinal);
        JsonObject desc = VmDescription(up);
        Assert.Equal("configuration", (string?)desc["configuration"]?["vmsd_name"]);
        Assert.Equal(Encoding.UTF8.GetByteCount("pc-q35-10.0"), (int?)desc["configuration"]?["fields"]?[1]?["size"]);
        string frames = Frames(up);
        Assert.True(frames.IndexOf("SWITCHOVER_START", StringComparison.Ordinal) < frames.IndexOf("SECTION_END", StringComparison.Ordinal), frames);
        Assert.Equal(AnalyzerRules.Qemu10, RulesOf(up));
    }

    [Qemu10ScriptFact]
    public void Qemu_10s_script_reads_a_converted_7_2_stream_as_our_analyzer_does()
    {
        string up = Path.Combine(_dir, "up.mig");
        Assert.Equal(0, InProcessCli.Run("convert", Fixtures.Path_("pc-16m.migration"), up, "--to", "10.0").Rc);

        var start = new System.Diagnostics.ProcessStartInfo("python3", [Path.Combine(Qemu10Environment.ScriptsPath, "analyze-migration.py"), "-f", up, "-d", "state"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = System.Diagnostics.Process.Start(start)!;
        Task<string> qemu = p.StandardOutput.ReadToEndAsync();
        Task<string> qemuErrors = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.True(p.ExitCode == 0, qemuErrors.Result);
        var ours = new StringWriter { NewLine = "\n" };
        AnalyzeCliCommand.Run(up, "state", null, ours);
        Assert.Equal(qemu.Result, ours.ToString());
    }

    [Fact]
    public void An_i8259_in_level_triggered_mode_is_refused_by_7_2_naming_device_subsection_and_value()
    {
        string source = Path.Combine(_dir, "ltim.mig");
        File.WriteAllBytes(source, WithLtim(File.ReadAllBytes(Fixtures.Qemu10Path("pc-16m.migration"))));
        string target = Path.Combine(_dir, "out.mig");

        (int rc, string text, string errors) = InProcessCli.Run("convert", source, target, "--to", "7.2");

        Assert.Equal(3, rc);
        Assert.Contains("'i8259' instance 0: subsection i8259/ltim (ltim = true) has no place in QEMU 7.2; convert with --lossy to have it dropped", errors, StringComparison.Ordinal);
        Assert.Contains("stream offset", errors, StringComparison.Ordinal);
        Assert.False(File.Exists(target), text);
        Assert.Empty(Directory.GetFiles(_dir, "*.converting"));

        (rc, text, errors) = InProcessCli.Run("convert", source, target, "--to", "7.2", "--lossy");

        Assert.True(rc == 0, text + errors);
        Assert.Contains("dropped: 'i8259' 0: subsection i8259/ltim (ltim = true) dropped: QEMU 7.2 has no place for it", text, StringComparison.Ordinal);
        Assert.DoesNotContain("i8259/ltim", MigrationStreamAnalyzer.State(File.ReadAllBytes(target)).ToJson(), StringComparison.Ordinal);
        Assert.Null(VmDescription(target)["devices"]!.AsArray().First(d => (string?)d!["name"] == "i8259")!["subsections"]);

        // Upward the subsection is QEMU 10's own: it goes across.
        Assert.Equal(0, InProcessCli.Run("convert", source, Path.Combine(_dir, "same.mig"), "--to", "10.0").Rc);
        Assert.Contains("i8259/ltim", MigrationStreamAnalyzer.State(File.ReadAllBytes(Path.Combine(_dir, "same.mig"))).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_guest_that_was_suspended_is_refused_by_7_2_naming_globalstates_field_and_value()
    {
        byte[] stream = File.ReadAllBytes(Fixtures.Qemu10Path("pc-16m.migration"));
        int wasSuspended = Find(stream, "\u000bglobalstate"u8) + 12 + 8 + 4 + 32 + 1;
        Assert.Equal(0, stream[wasSuspended]);
        stream[wasSuspended] = 1;
        string source = Path.Combine(_dir, "suspended.mig");
        File.WriteAllBytes(source, stream);
        string target = Path.Combine(_dir, "out.mig");

        (int rc, _, string errors) = InProcessCli.Run("convert", source, target, "--to", "7.2");

        Assert.Equal(3, rc);
        Assert.Contains("'globalstate' instance 0: field vm_was_suspended = 0x01 has no place in QEMU 7.2", errors, StringComparison.Ordinal);

        (rc, string text, _) = InProcessCli.Run("convert", source, target, "--to", "7.2", "--lossy");

        Assert.Equal(0, rc);
        Assert.Contains("dropped: 'globalstate' 0: field vm_was_suspended = 0x01 cleared", text, StringComparison.Ordinal);
        Assert.Equal(0, File.ReadAllBytes(target)[wasSuspended - 1]);
    }

    [Fact]
    public void A_7_2_globalstate_with_bytes_where_10_0_reads_its_flags_is_refused_going_up()
    {
        byte[] stream = File.ReadAllBytes(Fixtures.Path_("pc-16m.migration"));
        int tail = Find(stream, "\u000bglobalstate"u8) + 12 + 8 + 4 + 33;
        stream[tail] = 0x5a;
        string source = Path.Combine(_dir, "odd.mig");
        File.WriteAllBytes(source, stream);

        (int rc, _, string errors) = InProcessCli.Run("convert", source, Path.Combine(_dir, "out.mig"), "--to", "10.0");

        Assert.Equal(3, rc);
        Assert.Contains("field runstate holds 0x5a at bytes 33..33, where QEMU 10.0 reads vm_was_suspended", errors, StringComparison.Ordinal);
    }

    // The i8259 instance 0 section of a QEMU 10 stream with its i8259/ltim subsection sent (ltim 1), and its
    // VMDESCRIPTION entry saying so.
    private static byte[] WithLtim(byte[] stream)
    {
        int header = Find(stream, "\u0005i8259\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0001"u8);
        int bodyEnd = header + 1 + 5 + 8 + 16;
        Assert.Equal(0x7e, stream[bodyEnd]);
        byte[] subsection = [0x05, 10, .. "i8259/ltim"u8, 0, 0, 0, 1, 1];
        int descAt = LastIndexOf(stream, "{\"configuration\""u8);
        var desc = JsonNode.Parse(Encoding.UTF8.GetString(stream, descAt, stream.Length - descAt))!.AsObject();
        JsonObject pic = desc["devices"]!.AsArray().First(d => (string?)d!["name"] == "i8259" && (int?)d["instance_id"] == 0)!.AsObject();
        pic["subsections"] = JsonNode.Parse("[{\"vmsd_name\": \"i8259/ltim\", \"version\": 1, \"fields\": [{\"name\": \"ltim\", \"type\": \"bool\", \"size\": 1}]}]");
        byte[] json = Encoding.UTF8.GetBytes(desc.ToJsonString());
        byte[] length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)json.Length);
        Assert.DoesNotContain((byte)'{', length);
        return [.. stream.AsSpan(0, bodyEnd), .. subsection, .. stream.AsSpan(bodyEnd, descAt - 4 - bodyEnd), .. length, .. json];
    }

    private static string Frames(string file)
    {
        var output = new StringWriter { NewLine = "\n" };
        AnalyzeCliCommand.ListFrames(file, null, null, output);
        return output.ToString();
    }

    private static AnalyzerRules RulesOf(string file) =>
        VmDescription(file)["configuration"] is null ? AnalyzerRules.Qemu72 : AnalyzerRules.Qemu10;

    private static JsonObject VmDescription(string file) =>
        JsonNode.Parse(MigrationStreamAnalyzer.Description(File.ReadAllBytes(file)).ToJson())!.AsObject();

    private static List<string> FieldNames(JsonObject desc, string device) =>
        [.. desc["devices"]!.AsArray().First(d => (string?)d!["name"] == device)!["fields"]!.AsArray().Select(f => (string)f!["name"]!)];

    // Where the EOF byte before the VMDESCRIPTION is.
    private static int EndOfSections(byte[] stream) => LastIndexOf(stream, "\u0000\u0006"u8);

    private static int Find(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        int at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, "not found");
        return at;
    }

    private static int LastIndexOf(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        int at = haystack.AsSpan().LastIndexOf(needle);
        Assert.True(at >= 0, "not found");
        return at;
    }
}

/// <summary><c>check --explain</c> between QEMU 7.2's and QEMU 10.0's dumps: per description, what convert does.</summary>
public sealed class CheckExplainTests
{
    [Fact]
    public void Explain_between_the_7_2_and_10_0_dumps_lists_what_convert_does_per_description()
    {
        (int rc, string text, string errors) = InProcessCli.Run("check", Fixtures.Path_("pc.vmstate.json"), Fixtures.Qemu10Path("pc.vmstate.json"), "--explain");

        Assert.True(rc == 0, errors);
        Assert.StartsWith("convert from QEMU 7.2 (pc-i440fx-7.2) to QEMU 10.0 (pc-i440fx-10.0):\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("hpet (hpet):\n  field num_timers is num_timers_save in 10.0, same bytes: renamed in the VMDESCRIPTION\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("i8259 (kvm-i8259, pic-common, isa-i8259):\n  subsection i8259/ltim: only 10.0 has it", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("qxl (pci-qxl, qxl, qxl-vga):\n  QEMU 10.0 has no such description: a stream with its section is refused", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("descriptions: 141 the same, 4 converted by the rules above, 10 refused", text, StringComparison.Ordinal);
        Assert.DoesNotContain("e1000 (", text, StringComparison.Ordinal);
        Assert.Contains("globalstate:\n  field runstate (100 bytes) is runstate, has_vm_was_suspended, vm_was_suspended, unused in 10.0: same bytes; the bytes of has_vm_was_suspended, vm_was_suspended must be zero", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        (rc, text, _) = InProcessCli.Run("check", Fixtures.Qemu10Path("pc.vmstate.json"), Fixtures.Path_("pc.vmstate.json"), "--explain");

        Assert.Equal(0, rc);
        Assert.Contains("  subsection i8259/ltim: 7.2 has none; dropped when the stream does not send it (its state is the default), refused when it does", text, StringComparison.Ordinal);
    }
}
