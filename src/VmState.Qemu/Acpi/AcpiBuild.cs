using VmState.Description;

namespace VmState.Qemu.Acpi;

/// <summary>
/// QEMU 7.2's ACPI table builder state (<c>acpi_build</c>, <c>hw/i386/acpi-build.c</c>): whether the tables have
/// been regenerated since the firmware first read them, so the destination does not rebuild them differently.
/// </summary>
[VmState("acpi_build")]
public sealed partial class AcpiBuild
{
    /// <summary>1 once the tables were rebuilt on first access, else 0.</summary>
    [VmStateField("patched")]
    public byte Patched;
}
