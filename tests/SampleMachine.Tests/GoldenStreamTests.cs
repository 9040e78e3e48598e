using System.Text.Json;
using SampleMachine.Machine;
using VmState.Compat;
using VmState.Description;
using VmState.Qemu.E1000;
using VmState.Qemu.X86;

namespace SampleMachine.Tests;

/// <summary>
/// Every version of the machine's devices that has shipped still loads: the golden streams under
/// src/VmState.Qemu/vmstate/golden load into the current code with the values they carried, on every test run.
/// <c>VMSTATE_RECORD_GOLDEN=1 dotnet test tests/SampleMachine.Tests --filter GoldenStreamTests</c> records the
/// current versions first (from <see cref="GoldenMachine"/>); a recorded version is never rewritten.
/// </summary>
public sealed class GoldenStreamTests
{
    private static readonly Lazy<VirtualMachine?> Recorded = new(() =>
        VmStateGoldenStreams.RecordingRequested ? GoldenMachine.Build() : null);

    [Fact]
    public void Every_recorded_e1000_stream_loads() =>
        Check(m => m.Nic, () => new E1000Nic());

    [Fact]
    public void Every_recorded_cpu_stream_loads() =>
        Check(m => m.Cpu, () => new X86Cpu());

    [Fact]
    public void Every_recorded_cpu_common_stream_loads() =>
        Check(m => m.Cpu.Common, () => new CpuCommon());

    [Fact]
    public void The_recorded_streams_are_of_a_state_that_is_not_all_defaults()
    {
        string json = File.ReadAllText(Path.Combine(GoldenMachine.Directory, "cpu_common", "v1.json"));
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement state = doc.RootElement.GetProperty("state");

        Assert.Equal("0x00000001", state.GetProperty("halted").GetString());
        Assert.Equal("0x0000000e", state.GetProperty("cpu_common/exception_index").GetProperty("exception_index").GetString());
        Assert.NotEqual(VmStateSerializer.Save(new E1000Nic()), File.ReadAllBytes(Path.Combine(GoldenMachine.Directory, "e1000", "v2.bin")));
        Assert.NotEqual(VmStateSerializer.Save(new X86Cpu()), File.ReadAllBytes(Path.Combine(GoldenMachine.Directory, "cpu", "v12.bin")));
    }

    private static void Check<T>(Func<VirtualMachine, T> device, Func<T> create)
        where T : class, IVmStateObject
    {
        if (Recorded.Value is { } machine)
        {
            VmStateGoldenStreams.Record(GoldenMachine.Directory, device(machine));
        }

        GoldenStreamReport report = VmStateGoldenStreams.AssertLoad(GoldenMachine.Directory, create);

        // The version in the shipped baseline is among the recorded ones: shipping a version means recording it.
        Assert.Contains(ShippedVersion(T.VmStateDescription.Name), report.Versions);
        Assert.True(report.ComparedFields > 0);
    }

    private static int ShippedVersion(string name)
    {
        using JsonDocument shipped = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("src/VmState.Qemu/vmstate/shipped.json")));
        return shipped.RootElement.GetProperty(name).GetProperty("version_id").GetInt32();
    }
}
