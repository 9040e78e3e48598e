using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SampleMachine.Cli;
using SampleMachine.Machine;
using VmState.Qemu.X86;
using VmState.Schema;

namespace SampleMachine.Tests;

/// <summary>QEMU's own tools, unchanged, read what we write: analyze-migration.py and vmstate-static-checker.py.</summary>
public sealed class QemuScriptTests
{
    [QemuScriptFact]
    public void Qemus_analyzer_reads_our_snapshot_and_prints_exactly_what_we_print()
    {
        using var dir = new TempDir();
        string file = Path.Combine(dir.Path, "snapshot.mig");
        SavedMachine(file);

        foreach (string dump in new[] { "state", "desc" })
        {
            (int rc, string qemu, string errors) = Python(dir.Path, "analyze-migration.py", "-f", file, "-d", dump);
            Assert.True(rc == 0, errors);

            var ours = new StringWriter { NewLine = "\n" };
            AnalyzeCliCommand.Run(file, dump, null, ours);
            Assert.Equal(qemu, ours.ToString());
        }
    }

    [QemuScriptFact]
    public void Qemus_analyzer_reads_nested_subsections_as_we_write_them()
    {
        // KVM nested VMX state: cpu/nested_state → cpu/kvm_nested_state/vmx → its vmcs12 and shadow_vmcs12.
        using var dir = new TempDir();
        string file = Path.Combine(dir.Path, "nested.mig");
        using (var machine = new VirtualMachine(1L << 20))
        {
            machine.Cpu.HasNestedState = true;
            KvmNestedState nested = machine.Cpu.NestedState;
            nested.Format = KvmNestedState.FormatVmx;
            nested.Size = KvmNestedState.HeaderSize + (2 * KvmNestedState.VmcsSize);
            nested.VmxonPa = 0x12_3000;
            nested.Vmcs12Pa = 0x45_6000;
            nested.Vmcs12[0] = 0xa0;
            nested.ShadowVmcs12[0] = 0xb0;
            machine.SaveSnapshot(file);
        }

        (int rc, string qemu, string errors) = Python(dir.Path, "analyze-migration.py", "-f", file, "-d", "state");
        Assert.True(rc == 0, errors);
        var ours = new StringWriter { NewLine = "\n" };
        AnalyzeCliCommand.Run(file, "state", null, ours);
        Assert.Equal(qemu, ours.ToString());
        Assert.Contains("\"cpu/kvm_nested_state/vmx/shadow_vmcs12\": {\n", qemu, StringComparison.Ordinal);
    }

    [QemuScriptFact]
    public void Qemus_analyzer_extracts_our_ram_block_byte_for_byte()
    {
        using var dir = new TempDir();
        string file = Path.Combine(dir.Path, "snapshot.mig");
        string ramSha = SavedMachine(file);

        (int rc, string listing, string errors) = Python(dir.Path, "analyze-migration.py", "-f", file, "-x");

        Assert.True(rc == 0, errors);
        Assert.Equal(["desc.json", "pc.ram", "state.json"], listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(ramSha, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir.Path, "pc.ram")))));
    }

    [QemuScriptFact]
    public void Qemus_static_checker_finds_qemus_e1000_and_ours_compatible_both_ways()
    {
        using var dir = new TempDir();
        string qemu = Path.Combine(dir.Path, "qemu.json");
        string ours = Path.Combine(dir.Path, "ours.json");
        string oursE1000 = Path.Combine(dir.Path, "ours-e1000.json");
        File.WriteAllText(qemu, Only(Fixtures.Text("pc.vmstate.json"), "e1000"));
        string dump = DumpVmStateWriter.Write(CommandLine.MachineName, CommandLine.KnownDevices, new DumpVmStateOptions());
        File.WriteAllText(ours, dump);
        File.WriteAllText(oursE1000, Only(dump, "e1000"));

        (int rc, string output, string errors) = Python(dir.Path, "vmstate-static-checker.py", "-s", qemu, "-d", ours);
        Assert.True(rc == 0, output + errors);
        (rc, output, errors) = Python(dir.Path, "vmstate-static-checker.py", "-s", oursE1000, "-d", qemu);
        Assert.True(rc == 0, output + errors);
    }

    [QemuScriptTheory]
    [InlineData("pc", "pc.vmstate.json", 42)]
    [InlineData("q35", "q35.vmstate.json", 40)]
    public void Qemus_static_checker_finds_every_device_of_the_library_machine_and_qemus_compatible_both_ways(string machine, string qemuDump, int keys)
    {
        // Every -dump-vmstate entry of the library's machine that QEMU's dump also has (QEMU lists no entry for
        // sections such as timer, cpu, apic or ide, which are not user-creatable device types), checked both ways.
        using var dir = new TempDir();
        (string type, IReadOnlyList<VmState.Description.VmStateDescription> devices) = CommandLine.QemuMachineDescriptions(machine);
        JsonObject ours = JsonNode.Parse(DumpVmStateWriter.Write(type, devices, new DumpVmStateOptions()))!.AsObject();
        JsonObject qemu = JsonNode.Parse(Fixtures.Text(qemuDump))!.AsObject();
        string[] common = [.. ours.Select(p => p.Key).Where(k => k != "vmschkmachine" && qemu.ContainsKey(k))];
        Assert.Equal(keys, common.Length);
        string oursFile = Path.Combine(dir.Path, "ours.json");
        string qemuFile = Path.Combine(dir.Path, "qemu.json");
        File.WriteAllText(oursFile, Keep(ours, common));
        File.WriteAllText(qemuFile, Keep(qemu, common));

        (int rc, string output, string errors) = Python(dir.Path, "vmstate-static-checker.py", "-s", qemuFile, "-d", oursFile);
        Assert.True(rc == 0 && output.Length == 0, output + errors);
        (rc, output, errors) = Python(dir.Path, "vmstate-static-checker.py", "-s", oursFile, "-d", qemuFile);
        Assert.True(rc == 0 && output.Length == 0, output + errors);

        static string Keep(JsonObject dump, string[] keys)
        {
            var result = new JsonObject { ["vmschkmachine"] = dump["vmschkmachine"]!.DeepClone() };
            foreach (string k in keys)
            {
                result[k] = dump[k]!.DeepClone();
            }

            return result.ToJsonString();
        }
    }

    [QemuScriptFact]
    public void Qemus_static_checker_rejects_an_e1000_whose_field_changed_size()
    {
        // The control for the test above: the checker does object when our schema breaks compatibility.
        using var dir = new TempDir();
        string qemu = Path.Combine(dir.Path, "qemu.json");
        string broken = Path.Combine(dir.Path, "broken.json");
        File.WriteAllText(qemu, Only(Fixtures.Text("pc.vmstate.json"), "e1000"));
        JsonNode e1000 = JsonNode.Parse(Only(DumpVmStateWriter.Write(CommandLine.MachineName, CommandLine.KnownDevices, new DumpVmStateOptions()), "e1000"))!;
        JsonNode rxbufSize = e1000["e1000"]!["Description"]!["Fields"]!.AsArray().First(f => (string?)f!["field"] == "rxbuf_size")!;
        rxbufSize["size"] = 8;
        File.WriteAllText(broken, e1000.ToJsonString());

        (int rc, string output, _) = Python(dir.Path, "vmstate-static-checker.py", "-s", qemu, "-d", broken);

        Assert.NotEqual(0, rc);
        Assert.Contains("rxbuf_size", output, StringComparison.Ordinal);
    }

    // Saves a 32 MiB machine that has run a while (random and zero pages, NIC and CPU state); returns its RAM's sha256.
    private static string SavedMachine(string file)
    {
        using var machine = new VirtualMachine(32L << 20);
        machine.FillRandom(seed: 5, fraction: 0.5);
        using (var guest = new GuestWorkload(machine, seed: 5, dirtyPagesPerSecond: 0))
        {
            guest.Step(3000);
        }

        machine.SaveSnapshot(file);
        byte[] ram = new byte[machine.Ram.Length];
        machine.Ram.Read(0, ram);
        return Convert.ToHexStringLower(SHA256.HashData(ram));
    }

    // The dump with just the machine name and one device, as a -dump-vmstate file of its own.
    private static string Only(string dump, string device)
    {
        JsonObject all = JsonNode.Parse(dump)!.AsObject();
        var result = new JsonObject
        {
            ["vmschkmachine"] = all["vmschkmachine"]!.DeepClone(),
            [device] = all[device]!.DeepClone(),
        };
        return result.ToJsonString();
    }

    private static (int ExitCode, string Output, string Errors) Python(string workingDirectory, string script, params string[] args)
    {
        var start = new ProcessStartInfo("python3")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(QemuEnvironment.ScriptsPath, script));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException(script + " did not finish");
        }

        return (p.ExitCode, output.Result, errors.Result);
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("vmstate-qemu-script-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
