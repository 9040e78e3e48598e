using VmState.Description;

namespace VmState.Qemu.Acpi;

/// <summary>
/// QEMU 7.2's ACPI memory hotplug controller (<c>memory hotplug state</c>, <c>hw/acpi/memory_hotplug.c</c>): the
/// selected slot and each slot's status. The slot count is the machine's (its <c>slots</c> option; 0 without
/// <c>-m maxmem</c>) and is not migrated. <see cref="VmStateAttribute.DumpSize"/> is QEMU's <c>sizeof(MemHotplugState)</c>.
/// </summary>
[VmState("memory hotplug state", DumpSize = 304)]
public sealed partial class MemoryHotplugState
{
    /// <summary>A controller with <paramref name="slots"/> DIMM slots.</summary>
    public MemoryHotplugState(int slots)
    {
        DevCount = (uint)slots;
        Devs = new MemoryHotplugDeviceState[slots];
        for (int i = 0; i < slots; i++)
        {
            Devs[i] = new MemoryHotplugDeviceState();
        }
    }

    /// <summary>A controller with no slots (a machine started without <c>maxmem</c>).</summary>
    public MemoryHotplugState()
        : this(0)
    {
    }

    /// <summary>Number of DIMM slots (configuration, not migrated).</summary>
    public uint DevCount { get; }

    /// <summary>The slot the guest selected.</summary>
    [VmStateField("selector")]
    public uint Selector;

    /// <summary>Status of each slot.</summary>
    [VmStateField("devs", Count = nameof(DevCount))]
    public MemoryHotplugDeviceState[] Devs;
}

/// <summary>One DIMM slot's hotplug status (<c>memory hotplug device state</c>). <see cref="VmStateAttribute.DumpSize"/> is QEMU's <c>sizeof(MemStatus)</c>.</summary>
[VmState("memory hotplug device state", DumpSize = 24)]
public sealed partial class MemoryHotplugDeviceState
{
    /// <summary>A DIMM is present.</summary>
    [VmStateField("is_enabled")]
    public bool IsEnabled;

    /// <summary>An insertion awaits the guest.</summary>
    [VmStateField("is_inserting")]
    public bool IsInserting;

    /// <summary>Last OSPM status event (_OST).</summary>
    [VmStateField("ost_event")]
    public uint OstEvent;

    /// <summary>Last OSPM status code (_OST).</summary>
    [VmStateField("ost_status")]
    public uint OstStatus;
}
