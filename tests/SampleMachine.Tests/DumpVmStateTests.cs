using SampleMachine.Cli;
using VmState.Description;
using VmState.Schema;

namespace SampleMachine.Tests;

/// <summary><c>dump-vmstate</c> against QEMU 7.2's own <c>-dump-vmstate</c> output.</summary>
public sealed class DumpVmStateTests
{
    private static string DeviceText(string dump, string name)
    {
        int start = dump.IndexOf("  \"" + name + "\": {\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{name} missing from the dump");
        int end = dump.IndexOf("\n  }", start, StringComparison.Ordinal);
        return dump[start..end];
    }

    [Fact]
    public void E1000_entry_equals_qemus_text()
    {
        string ours = VmState.Schema.DumpVmStateWriter.Write(CommandLine.MachineName, CommandLine.KnownDevices, new VmState.Schema.DumpVmStateOptions { IncludeNum = false });
        string qemu = Fixtures.Text("pc.vmstate.json");
        Assert.Equal(DeviceText(qemu, "e1000"), DeviceText(ours, "e1000"));
    }

    [Fact]
    public void Command_writes_the_file_and_starts_with_the_machine_name()
    {
        string file = Path.Combine(Path.GetTempPath(), "vmstate-dump-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            int rc = CommandLine.Build().Parse(["dump-vmstate", file]).Invoke();
            Assert.Equal(0, rc);
            string text = File.ReadAllText(file);
            Assert.StartsWith("{\n  \"vmschkmachine\": {\n    \"Name\": \"" + CommandLine.MachineName + "\"\n  },\n", text, StringComparison.Ordinal);
            Assert.Contains("\"num\": 64", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
