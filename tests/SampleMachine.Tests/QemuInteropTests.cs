using System.Globalization;
using System.Text.RegularExpressions;
using SampleMachine.Machine;
using VmState.Analysis;
using VmState.Description;
using VmState.Migration;

namespace SampleMachine.Tests;

/// <summary>QEMU itself loads what we write.</summary>
public sealed partial class QemuInteropTests
{
    [QemuFact]
    public async Task Qemu_7_2_loads_a_stream_we_wrote_with_our_cpu_nic_and_ram_state()
    {
        string qemuPath = QemuEnvironment.QemuPath;
        (VirtualMachine machine, _, _) = QemuImport.Import(Fixtures.Bytes("pc-16m.migration"), skipUnknown: true);
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-qemu-{Guid.NewGuid():N}.mig");
        try
        {
            long probe;
            ulong expected;
            using (machine)
            {
                // Change state so QEMU can only show these values if it read our bytes.
                machine.Cpu.Regs[0] = 0x1234_5678;
                probe = FirstNonZeroQword(machine, out expected);
                machine.SaveSnapshot(file);
            }

            using var qemu = new QemuMonitor(qemuPath, "-M", "pc", "-m", "16", "-display", "none", "-S", "-incoming", "exec:cat " + file);

            // Paused, and no longer "(inmigrate)": the whole stream has been loaded.
            await qemu.SendUntil("info status", "VM status: paused\r\n");
            string output = await qemu.Send("info registers") + await qemu.Send($"xp /1gx 0x{probe:x}");
            await qemu.Quit();
            Assert.True(string.IsNullOrWhiteSpace(qemu.Errors), qemu.Errors);
            Assert.Matches(Eax(), output);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{probe:x16}: 0x{expected:x16}"), output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [QemuFact]
    public async Task A_fresh_qemu_stream_decodes_and_imports()
    {
        string qemuPath = QemuEnvironment.QemuPath;
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-qemu-out-{Guid.NewGuid():N}.mig");
        try
        {
            using (var qemu = new QemuMonitor(qemuPath, "-M", "pc", "-m", "16", "-display", "none"))
            {
                await qemu.Send("migrate \"exec:cat > " + file + "\"");
                await qemu.SendUntil("info migrate", "Migration status: completed");
                await qemu.Quit();
            }

            byte[] stream = File.ReadAllBytes(file);
            VmState.Analysis.AnalysisObject state = VmState.Analysis.MigrationStreamAnalyzer.State(stream);
            Assert.Contains(state.Members, m => m.Key.StartsWith("0000:00:03.0/e1000 (", StringComparison.Ordinal));
            (VirtualMachine machine, VmState.Migration.MigrationLoadResult result, _) = QemuImport.Import(stream, skipUnknown: true);
            using (machine)
            {
                Assert.Equal("pc-i440fx-7.2", machine.MachineTypeName);
                Assert.Equal(0x8086, machine.Nic.ParentObj.VendorId);
                Assert.True(result.FramesSkipped > 20);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static long FirstNonZeroQword(VirtualMachine machine, out ulong value)
    {
        for (long p = 0; p < machine.Ram.PageCount; p++)
        {
            Span<byte> page = machine.Ram.Page(p);
            for (int i = 0; i < page.Length; i += 8)
            {
                value = BitConverter.ToUInt64(page[i..]);
                if (value != 0)
                {
                    return (p * 4096) + i;
                }
            }
        }

        throw new InvalidOperationException("RAM is all zeros");
    }

    [GeneratedRegex("EAX=12345678 ")]
    private static partial Regex Eax();
}
