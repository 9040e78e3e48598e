using SampleMachine.Machine;
using VmState.Qemu.E1000;
using VmState.Qemu.X86;

namespace SampleMachine.Tests;

/// <summary>The reflection comparison of the end-to-end tests looks at the whole state and does find one changed value.</summary>
public sealed class ReflectionComparerTests
{
    private const string Nic = VirtualMachine.NicPath + "/e1000";

    // Lower bounds for the machine's three devices (the counts today: see the first test's message).
    internal const int MinimumMembers = 600;
    internal const long MinimumValues = 100_000;

    [Fact]
    public void Two_fresh_machines_are_equal_over_every_described_member()
    {
        using var a = new VirtualMachine(1L << 20);
        using var b = new VirtualMachine(1L << 20);

        ReflectionComparison result = ReflectionComparer.CompareDevices(a, b);

        Assert.True(result.Differences.Count == 0, result.ToString());
        Assert.Equal(3, result.Devices);
        Assert.True(result.Members >= MinimumMembers, $"{result.Members} members");
        Assert.True(result.Values >= MinimumValues, $"{result.Values} values");

        // It reaches into nested descriptions, arrays of them, views, tmps and subsections of all three devices.
        Assert.Contains("cpu_common.ExceptionIndex", result.MemberPaths);
        Assert.Contains("cpu_common.CrashOccurred", result.MemberPaths);
        Assert.Contains("cpu.Segs[5].Flags", result.MemberPaths);
        Assert.Contains("cpu.MtrrVars[7].Mask", result.MemberPaths);
        Assert.Contains("cpu.FpRegs[7]._wire.Mantissa", result.MemberPaths);
        Assert.Contains("cpu.XmmLow[15].Q1", result.MemberPaths);
        Assert.Contains("cpu.ZmmUpper16[31].Q7", result.MemberPaths);
        Assert.Contains("cpu.NestedState.Vmcs12", result.MemberPaths);
        Assert.Contains("cpu.BndRegs[3].Upper", result.MemberPaths);
        Assert.Contains(Nic + ".ParentObj.Config", result.MemberPaths);
        Assert.Contains(Nic + ".MacReg", result.MemberPaths);
        Assert.Contains(Nic + ".TsoMss", result.MemberPaths);
    }

    public static TheoryData<string> Mutations => new(Cases.Keys);

    private static readonly Dictionary<string, (Action<VirtualMachine> Change, string[] Paths)> Cases = new()
    {
        ["one MTRR of an array of nested structs"] = (m => m.Cpu.MtrrVars[5].Mask = 0xff, ["cpu.MtrrVars[5].Mask"]),
        ["one segment base"] = (m => m.Cpu.Segs[3].Base = 0x1000, ["cpu.Segs[3].Base"]),
        ["one x87 register, through its tmp"] = (m => m.Cpu.FpRegs[6] = new FpReg(0x8000_0000_0000_0001, 0x3fff), ["cpu.FpRegs[6]._wire.Mantissa", "cpu.FpRegs[6]._wire.Exponent"]),
        ["one lane of a low XMM register, through its view"] = (m => m.Cpu.XmmRegs[3].Q[1] = 1, ["cpu.XmmLow[3].Q1"]),
        ["one lane of a high ZMM register, through the 16..31 slice"] = (m => m.Cpu.XmmRegs[20].Q[5] = 1, ["cpu.ZmmUpper16[20].Q5"]),
        ["one byte of the nested KVM state"] = (m => m.Cpu.NestedState.Vmcs12[100] = 7, ["cpu.NestedState.Vmcs12[100]"]),
        ["a plain scalar"] = (m => m.Cpu.Smbase = 0xa_0000, ["cpu.Smbase"]),
        ["cpu_common's subsection field"] = (m => m.Cpu.Common.CrashOccurred = true, ["cpu_common.CrashOccurred"]),
        ["one byte of PCI configuration space"] = (m => m.Nic.ParentObj.Config[0x40] = 1, [Nic + ".ParentObj.Config[64]"]),
        ["the last transmit data byte"] = (m => m.Nic.TxData[0xffff] = 1, [Nic + ".TxData[65535]"]),
        ["a receive address register: its slice and the full register file"] = (m => m.Nic.MacReg[E1000Registers.Ra + 31] = 1,
            [$"{Nic}.MacRegRa[{E1000Registers.Ra + 31}]", $"{Nic}.MacReg[{E1000Registers.Ra + 31}]"]),
        ["a named register: its field and the full register file"] = (m => m.Nic.MacReg[E1000Registers.Gptc] = 9,
            [Nic + ".RegGptc", $"{Nic}.MacReg[{E1000Registers.Gptc}]"]),
        ["CR1, which is never migrated"] = (m => m.Cpu.Cr[1] = 5, []),
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void A_single_changed_value_is_reported_at_its_path(string mutation)
    {
        (Action<VirtualMachine> change, string[] paths) = Cases[mutation];
        using var a = new VirtualMachine(1L << 20);
        using var b = new VirtualMachine(1L << 20);
        change(b);

        ReflectionComparison result = ReflectionComparer.CompareDevices(a, b);

        Assert.Equal(paths.Order(StringComparer.Ordinal), result.Differences.Select(d => d[..d.IndexOf(": ", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.True(result.Members >= MinimumMembers, $"{result.Members} members");
    }

    [Fact]
    public void A_difference_names_both_values()
    {
        using var a = new VirtualMachine(1L << 20);
        using var b = new VirtualMachine(1L << 20);
        b.Cpu.MtrrVars[2].Base = 0xfee0_0000;

        ReflectionComparison result = ReflectionComparer.CompareDevices(a, b);

        Assert.Equal(["cpu.MtrrVars[2].Base: 0 (0x0) != 4276092928 (0xfee00000)"], result.Differences);
    }
}
