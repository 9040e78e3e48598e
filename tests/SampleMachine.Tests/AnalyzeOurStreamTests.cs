using System.Buffers;
using SampleMachine.Machine;
using VmState.Analysis;
using VmState.Migration;
using VmState.Qemu.E1000;

namespace SampleMachine.Tests;

/// <summary>What the machine writes decodes with its own VMDESCRIPTION alone, as QEMU's analyzer would decode it.</summary>
public sealed class AnalyzeOurStreamTests
{
    [Fact]
    public void A_saved_machine_decodes_section_by_section_with_the_values_it_had()
    {
        using var machine = new VirtualMachine(4L << 20);
        using (var guest = new GuestWorkload(machine, seed: 9, dirtyPagesPerSecond: 0))
        {
            guest.Step(2000);
        }

        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(machine.Registry, output, machine.StreamOptions);

        AnalysisObject state = MigrationStreamAnalyzer.State(output.WrittenSpan);

        Assert.Equal(["ram (1)", "cpu_common (2)", "cpu (3)", "0000:00:03.0/e1000 (4)"], state.Members.Select(m => m.Key));
        var nic = (AnalysisObject)state["0000:00:03.0/e1000 (4)"]!;
        uint gptc = machine.Nic.MacReg[E1000Registers.Gptc];
        Assert.True(gptc > 0);
        Assert.Equal("0x" + gptc.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), ((AnalysisString)nic["mac_reg[GPTC]"]!).Value);
        var cpu = (AnalysisObject)state["cpu (3)"]!;
        Assert.Equal(16, ((AnalysisList)cpu["env.regs"]!).Items.Count);
        Assert.Equal(
            "0x" + machine.Cpu.Regs[0].ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            ((AnalysisString)((AnalysisList)cpu["env.regs"]!).Items[0]).Value.Split(' ')[0]);
    }
}
