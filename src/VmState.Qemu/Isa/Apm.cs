using VmState.Description;

namespace VmState.Qemu.Isa;

/// <summary>
/// QEMU 7.2's Advanced Power Management ports 0xb2/0xb3 (<c>APM State</c>, <c>hw/isa/apm.c</c>), part of the PIIX4
/// and ICH9 power management functions. <see cref="VmStateAttribute.DumpSize"/> is QEMU's <c>sizeof(APMState)</c>.
/// </summary>
[VmState("APM State", DumpSize = 304)]
public sealed partial class Apm
{
    /// <summary>APM control port (0xb2): the last command written, which raises an SMI.</summary>
    [VmStateField("apmc")]
    public byte Apmc;

    /// <summary>APM status port (0xb3): a scratch byte for the firmware.</summary>
    [VmStateField("apms")]
    public byte Apms;
}
