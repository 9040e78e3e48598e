using SampleMachine.Machine;
using VmState.Qemu.X86;

namespace SampleMachine.Tests;

/// <summary>
/// The deterministic state the sample machine's golden streams are recorded from: QEMU 7.2's own CPU and NIC state
/// (tests/Fixtures/qemu-7.2/pc-16m.migration, so the CPU carries the subsections a real guest needs), then 2000 steps
/// of the seeded guest workload, a few MSRs set so that their subsections are sent, and a pending exception and a crash in <c>cpu_common</c> so that both of its
/// subsections are sent. Only recording depends on it: the check loads the recorded files, whatever this builds.
/// </summary>
internal static class GoldenMachine
{
    /// <summary>Where the machine's golden streams are checked in.</summary>
    public static string Directory => Repository.PathOf("src/VmState.Qemu/vmstate/golden");

    public static VirtualMachine Build()
    {
        (VirtualMachine machine, _, _) = QemuImport.Import(Fixtures.Bytes("pc-16m.migration"), skipUnknown: true);
        using (var guest = new GuestWorkload(machine, seed: 10, dirtyPagesPerSecond: 0))
        {
            guest.Step(2000);
        }

        // A few MSRs that QEMU's guest left at zero, so that their subsections are sent too.
        machine.Cpu.TscAdjust = 0x1234_5678;
        machine.Cpu.XssMsr = 0x100;
        machine.Cpu.PkruValue = 0x5555_5554;
        machine.Cpu.SpecCtrlMsr = 0x1;
        machine.Cpu.MsrHvStimerConfig[1] = 0x3_0001;
        machine.Cpu.MsrHvStimerCount[1] = 100_000;

        machine.Cpu.Common.Halted = 1;
        machine.Cpu.Common.InterruptRequest = CpuCommon.InterruptHard;
        machine.Cpu.Common.ExceptionIndex = 14;
        machine.Cpu.Common.CrashOccurred = true;
        return machine;
    }
}
