using SampleMachine.Cli;
using VmState.Schema;

namespace SampleMachine.Tests;

/// <summary>
/// The sample machine's baselines (src/VmState.Qemu/vmstate/shipped.json, and QEMU 7.2's own pc dump) are what its
/// devices must still migrate from and to. QEMU's checker rules say so both ways, independently of the analyzers.
/// </summary>
public sealed class BaselineTests
{
    [Fact]
    public void The_current_devices_migrate_from_and_to_the_shipped_baseline()
    {
        string shipped = File.ReadAllText(Repository.PathOf("src/VmState.Qemu/vmstate/shipped.json"));
        string current = DumpVmStateWriter.Write(CommandLine.MachineName, CommandLine.KnownDevices);

        SchemaCheckResult forward = SchemaChecker.Check(shipped, current);
        SchemaCheckResult backward = SchemaChecker.Check(current, shipped);

        Assert.True(forward.IsCompatible, forward.Output);
        Assert.True(backward.IsCompatible, backward.Output);
        Assert.Contains("\"e1000\"", shipped, StringComparison.Ordinal);
        Assert.Contains("\"cpu\"", shipped, StringComparison.Ordinal);
    }

    [Fact]
    public void The_current_devices_migrate_from_and_to_qemu_7_2()
    {
        // QEMU's dump holds every pc device with a qdev vmsd; compare the sections this machine has, as the analyzers
        // do. QEMU 7.2 dumps no CPU (its description is registered apart from qdev), so here that is the e1000; the
        // CPU is held to QEMU's real stream instead (X86CpuQemuStreamTests).
        var qemu = System.Text.Json.Nodes.JsonNode.Parse(Fixtures.Text("pc.vmstate.json"))!.AsObject();
        string[] ours = ["e1000", "cpu", "cpu_common"];
        foreach (string name in qemu.Select(kv => kv.Key).Where(k => k != "vmschkmachine" && !ours.Contains(k)).ToList())
        {
            qemu.Remove(name);
        }

        Assert.Equal(["vmschkmachine", "e1000"], qemu.Select(kv => kv.Key));
        string theirs = qemu.ToJsonString();
        string current = DumpVmStateWriter.Write("pc-i440fx-7.2", [.. CommandLine.KnownDevices.Where(d => d.Name == "e1000")]);

        SchemaCheckResult forward = SchemaChecker.Check(theirs, current);
        SchemaCheckResult backward = SchemaChecker.Check(current, theirs);
        Assert.True(forward.IsCompatible, forward.Output);
        Assert.True(backward.IsCompatible, backward.Output);
    }

    [Fact]
    public void The_baselines_reach_the_analyzers_as_marked_additional_files()
    {
        string project = File.ReadAllText(Repository.PathOf("src/VmState.Qemu/VmState.Qemu.csproj"));
        string targets = File.ReadAllText(Repository.PathOf("src/VmState.Runtime/build/VmState.targets"));

        Assert.Contains("<VmStateBaseline Include=\"vmstate/shipped.json\" />", project, StringComparison.Ordinal);
        Assert.Contains("<AdditionalFiles Include=\"@(VmStateBaseline)\" VmStateBaseline=\"true\" />", targets, StringComparison.Ordinal);
        Assert.Contains("MetadataName=\"VmStateBaseline\"", targets, StringComparison.Ordinal);
    }

}
