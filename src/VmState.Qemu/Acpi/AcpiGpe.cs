using VmState.Description;

namespace VmState.Qemu.Acpi;

/// <summary>
/// The PIIX4's general-purpose event block as QEMU 7.2 migrates it (<c>gpe</c>, <c>hw/acpi/piix4.c</c>): only the
/// first two bytes of the status and of the enable half, each read as one host-order (little-endian) 16-bit value.
/// <see cref="VmStateAttribute.DumpSize"/> is QEMU's <c>sizeof(ACPIGPE)</c>.
/// </summary>
[VmState("gpe", DumpSize = 24)]
public sealed partial class AcpiGpe
{
    /// <summary>A GPE block of <paramref name="length"/> bytes (the PIIX4's is 4): half status, half enable.</summary>
    public AcpiGpe(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 4);
        Sts = new byte[length / 2];
        En = new byte[length / 2];
    }

    /// <summary>The PIIX4's 4-byte block.</summary>
    public AcpiGpe()
        : this(4)
    {
    }

    /// <summary>GPE status bits (write 1 to clear).</summary>
    public byte[] Sts { get; }

    /// <summary>GPE enable bits.</summary>
    public byte[] En { get; }

    [VmStateField("sts")]
    private ushort Sts16 { get => (ushort)(Sts[0] | (Sts[1] << 8)); set { Sts[0] = (byte)value; Sts[1] = (byte)(value >> 8); } }

    [VmStateField("en")]
    private ushort En16 { get => (ushort)(En[0] | (En[1] << 8)); set { En[0] = (byte)value; En[1] = (byte)(value >> 8); } }
}
