using VmState.Description;
using VmState.Qemu.Acpi;
using VmState.Qemu.Pci;

namespace VmState.Qemu.Isa;

/// <summary>
/// QEMU 7.2's ICH9 LPC bridge at 00:1f.0 of the q35 machine (<c>ICH9LPC</c>, <c>hw/isa/lpc_ich9.c</c>, device type
/// <c>ICH9-LPC</c>): the PCI function (PIRQ routing, PMBASE, ...), APM, the power management registers, the 16 KiB
/// chipset configuration register block (RCRB) and the SCI line level, then the reset control register and the
/// SMI feature negotiation when they are in use.
/// </summary>
[VmState("ICH9LPC", DeviceType = "ICH9-LPC")]
[Subsection(RstCnt, Version = 1)]
[Subsection(SmiFeat, Version = 1)]
public sealed partial class Ich9Lpc
{
    /// <summary>Bytes of the chipset configuration register block.</summary>
    public const int ChipConfigBytes = 0x4000;

    private const string RstCnt = "ICH9LPC/rst_cnt";
    private const string SmiFeat = "ICH9LPC/smi_feat";

    /// <summary>The PCI function (8086:2918, ISA bridge).</summary>
    [VmStateField("d")]
    public PciDevice D { get; } = PciIdentity.Set(new PciDevice(), 0x8086, 0x2918, 0x02, 0x060100);

    /// <summary>The APM ports.</summary>
    [VmStateField("apm")]
    public Apm Apm { get; } = new();

    /// <summary>The power management registers.</summary>
    [VmStateField("pm")]
    public Ich9Pm Pm { get; } = new();

    /// <summary>The chipset configuration registers (RCBA space).</summary>
    [VmStateField("chip_config", Length = ChipConfigBytes, AsArray = true)]
    public byte[] ChipConfig { get; } = new byte[ChipConfigBytes];

    /// <summary>Bitmap of the sources asserting SCI.</summary>
    [VmStateField("sci_level")]
    public uint SciLevel;

    /// <summary>Reset control register (port 0xcf9): only the full-reset bit is kept.</summary>
    [VmStateField("rst_cnt", Subsection = RstCnt)]
    public byte RstCntValue;

    /// <summary>SMI features the guest requested, little-endian.</summary>
    [VmStateField("smi_guest_features_le", Length = 8, AsArray = true, Subsection = SmiFeat)]
    public byte[] SmiGuestFeaturesLe { get; } = new byte[8];

    /// <summary>The guest confirmed the negotiated features.</summary>
    [VmStateField("smi_features_ok", Subsection = SmiFeat)]
    public byte SmiFeaturesOk;

    /// <summary>The features in effect after negotiation.</summary>
    [VmStateField("smi_negotiated_features", Subsection = SmiFeat)]
    public ulong SmiNegotiatedFeatures;

    [Needed(RstCnt)]
    private bool IsRstCntNeeded() => RstCntValue != 0;

    [Needed(SmiFeat)]
    private bool IsSmiFeatNeeded() => SmiFeaturesOk != 0 || Array.Exists(SmiGuestFeaturesLe, b => b != 0);
}
