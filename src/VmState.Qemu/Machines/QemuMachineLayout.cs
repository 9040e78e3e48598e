namespace VmState.Qemu.Machines;

/// <summary>One RAM block of a machine: QEMU's id string and its length in bytes.</summary>
/// <param name="Id">The block's id string (<c>pc.ram</c>, <c>0000:00:02.0/vga.vram</c>, <c>/rom@etc/acpi/tables</c>).</param>
/// <param name="Length">Its used length in bytes, a whole number of pages.</param>
public readonly record struct QemuRamBlockSpec(string Id, long Length);

/// <summary>
/// One device section of a machine: which description (or old-style section), at which device path and instance,
/// under which section number.
/// </summary>
/// <param name="Name">The description (vmsd) name, or for an old-style section its id string (<c>slirp</c>).</param>
/// <param name="DevicePath">The device path that prefixes the id string (a PCI address), or null.</param>
/// <param name="InstanceId">The instance number.</param>
/// <param name="SectionId">QEMU's section number for it.</param>
public readonly record struct QemuSectionSpec(string Name, string? DevicePath, int InstanceId, int SectionId)
{
    /// <summary>The section's id string: <c>DevicePath/Name</c>, or <see cref="Name"/> without a path.</summary>
    public string IdStr => DevicePath is null ? Name : DevicePath + "/" + Name;
}

/// <summary>
/// What a QEMU machine consists of, as its stream shows it: machine type, RAM blocks in wire order, and the device
/// sections in save order with QEMU's section numbers. <see cref="Default"/> is QEMU 7.2's machine with its default
/// devices and an e1000; <see cref="QemuStreams.Layout"/> reads the layout of any stream.
/// </summary>
/// <param name="Kind">The machine.</param>
/// <param name="MachineType">The machine type its configuration section carries.</param>
/// <param name="RamBlocks">The RAM blocks, in the order the <c>ram</c> section lists them.</param>
/// <param name="RamSectionId">The <c>ram</c> section's number.</param>
/// <param name="Sections">The device sections, in save order.</param>
public sealed record QemuMachineLayout(
    QemuMachineKind Kind,
    string MachineType,
    IReadOnlyList<QemuRamBlockSpec> RamBlocks,
    int RamSectionId,
    IReadOnlyList<QemuSectionSpec> Sections)
{
    private const long MiB = 1 << 20;
    private const long KiB = 1 << 10;

    /// <summary>
    /// QEMU 7.2's <paramref name="kind"/> machine as <c>qemu-system-x86_64 -M pc|q35 -m SIZE -nic user,model=e1000</c>
    /// starts it under TCG with one CPU: its RAM blocks and its sections, numbered as QEMU numbers them (QEMU counts
    /// registrations that never reach the stream too, hence the gaps). <paramref name="serial"/> false is the machine
    /// without its default serial port (<c>-serial none</c>).
    /// </summary>
    public static QemuMachineLayout Default(QemuMachineKind kind, long memoryBytes = 128 * MiB, bool serial = true)
    {
        bool q35 = kind == QemuMachineKind.Q35;
        string vga = q35 ? "0000:00:01.0" : "0000:00:02.0";
        string nic = q35 ? "0000:00:02.0" : "0000:00:03.0";
        QemuRamBlockSpec[] blocks =
        [
            new("pc.ram", memoryBytes),
            new(vga + "/vga.vram", 16 * MiB),
            new("/rom@etc/acpi/tables", 128 * KiB),
            new("pc.bios", 256 * KiB),
            new(nic + "/e1000.rom", 256 * KiB),
            new("pc.rom", 128 * KiB),
            new(vga + "/vga.rom", 64 * KiB),
            new("/rom@etc/table-loader", 4 * KiB),
            new("/rom@etc/acpi/rsdp", 4 * KiB),
        ];

        List<QemuSectionSpec> sections =
        [
            new("timer", null, 0, 0),
            new("slirp", null, 0, 4),
            new("cpu_common", null, 0, 5),
            new("cpu", null, 0, 6),
            new("kvm-tpr-opt", null, 0, 7),
            new("apic", null, 0, 8),
            new("fw_cfg", null, 0, 9),
        ];
        int id = 10;
        if (q35)
        {
            sections.Add(new("mch", "0000:00:00.0", 0, id++));
        }

        sections.Add(new("PCIHost", null, 0, id++));
        sections.Add(new("PCIBUS", null, 0, id++));
        if (!q35)
        {
            sections.Add(new("I440FX", "0000:00:00.0", 0, id++));
        }

        sections.Add(new("dma", null, 0, id++));
        sections.Add(new("dma", null, 1, id++));
        sections.Add(q35 ? new("ICH9LPC", "0000:00:1f.0", 0, id++) : new("PIIX3", "0000:00:01.0", 0, id++));
        sections.Add(new("i8259", null, 0, id++));
        sections.Add(new("i8259", null, 1, id++));
        sections.Add(new("ioapic", null, 0, id++));
        if (!q35)
        {
            sections.Add(new("vga", vga, 0, id++));
        }

        string[] isa = serial ? ["hpet", "mc146818rtc", "i8254", "pcspk", "serial", "parallel_isa"] : ["hpet", "mc146818rtc", "i8254", "pcspk", "parallel_isa"];
        foreach (string name in isa)
        {
            sections.Add(new(name, null, 0, id++));
        }

        if (!q35)
        {
            sections.Add(new("fdc", null, 0, id++));
        }

        foreach (string name in (string[])["ps2kbd", "ps2mouse", "pckbd", "vmmouse", "port92"])
        {
            sections.Add(new(name, null, 0, id++));
        }

        if (q35)
        {
            sections.Add(new("ich9_ahci", "0000:00:1f.2", 0, id++));
            sections.Add(new("i2c_bus", null, 0, id++));
            sections.Add(new("ich9_smb", "0000:00:1f.3", 0, id++));

            // Eight registrations that never reach the stream come before the VGA.
            id += 8;
            sections.Add(new("vga", vga, 0, id++));
            sections.Add(new("e1000", nic, 0, id++));
        }
        else
        {
            sections.Add(new("e1000", nic, 0, id++));
            sections.Add(new("ide", "0000:00:01.1", 0, id++));
            sections.Add(new("i2c_bus", null, 0, id++));
            sections.Add(new("piix4_pm", "0000:00:01.3", 0, id++));
            id += 8;
        }

        sections.Add(new("acpi_build", null, 0, id++));
        sections.Add(new("globalstate", null, 0, id));
        return new QemuMachineLayout(kind, kind.MachineType(), blocks, RamSectionId: 2, sections);
    }
}
