using VmState.Description;

namespace VmState.Qemu.Acpi;

/// <summary>
/// QEMU 7.2's modern ACPI CPU hotplug controller (<c>CPU hotplug state</c>, <c>hw/acpi/cpu.c</c>): the selected
/// CPU, the last command and each possible CPU's status. The CPU count is the machine's (<c>-smp maxcpus</c>) and
/// is not migrated. <see cref="VmStateAttribute.DumpSize"/> is QEMU's <c>sizeof(CPUHotplugState)</c>.
/// </summary>
[VmState("CPU hotplug state", DumpSize = 304)]
public sealed partial class CpuHotplugState
{
    /// <summary>A controller for <paramref name="possibleCpus"/> CPUs.</summary>
    public CpuHotplugState(int possibleCpus)
    {
        DevCount = (uint)possibleCpus;
        Devs = new CpuHotplugDeviceState[possibleCpus];
        for (int i = 0; i < possibleCpus; i++)
        {
            Devs[i] = new CpuHotplugDeviceState();
        }
    }

    /// <summary>A controller for one CPU (QEMU's default <c>-smp 1</c>).</summary>
    public CpuHotplugState()
        : this(1)
    {
    }

    /// <summary>Number of possible CPUs (configuration, not migrated).</summary>
    public uint DevCount { get; }

    /// <summary>The CPU the guest selected.</summary>
    [VmStateField("selector")]
    public uint Selector;

    /// <summary>The last command written.</summary>
    [VmStateField("command")]
    public byte Command;

    /// <summary>Status of each possible CPU.</summary>
    [VmStateField("devs", Count = nameof(DevCount))]
    public CpuHotplugDeviceState[] Devs;
}

/// <summary>One CPU's hotplug status (<c>CPU hotplug device state</c>). <see cref="VmStateAttribute.DumpSize"/> is QEMU's <c>sizeof(AcpiCpuStatus)</c>.</summary>
[VmState("CPU hotplug device state", DumpSize = 32)]
public sealed partial class CpuHotplugDeviceState
{
    /// <summary>An insertion awaits the guest.</summary>
    [VmStateField("is_inserting")]
    public bool IsInserting;

    /// <summary>A removal awaits the guest.</summary>
    [VmStateField("is_removing")]
    public bool IsRemoving;

    /// <summary>Last OSPM status event (_OST).</summary>
    [VmStateField("ost_event")]
    public uint OstEvent;

    /// <summary>Last OSPM status code (_OST).</summary>
    [VmStateField("ost_status")]
    public uint OstStatus;
}
