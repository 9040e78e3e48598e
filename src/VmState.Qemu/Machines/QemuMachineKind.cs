namespace VmState.Qemu.Machines;

/// <summary>The QEMU 7.2 x86 machines the library describes.</summary>
public enum QemuMachineKind
{
    /// <summary><c>pc-i440fx-7.2</c>: i440FX host bridge, PIIX3 south bridge, PIIX IDE, PIIX4 ACPI.</summary>
    Pc,

    /// <summary><c>pc-q35-7.2</c>: Q35 MCH, ICH9 LPC with its power management, AHCI and SMBus.</summary>
    Q35,
}

/// <summary>Names of a <see cref="QemuMachineKind"/>.</summary>
public static class QemuMachineKinds
{
    /// <summary>The machine type QEMU 7.2 writes in the configuration section.</summary>
    public static string MachineType(this QemuMachineKind kind) => kind switch
    {
        QemuMachineKind.Pc => "pc-i440fx-7.2",
        QemuMachineKind.Q35 => "pc-q35-7.2",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The short name used on command lines and by <c>ForMachine</c> factories ("pc", "q35").</summary>
    public static string ShortName(this QemuMachineKind kind) => kind == QemuMachineKind.Q35 ? "q35" : "pc";

    /// <summary>
    /// The kind of a machine type or short name: <c>pc</c>, <c>q35</c>, and the versioned <c>pc-i440fx-*</c> and
    /// <c>pc-q35-*</c> types. False for anything else.
    /// </summary>
    public static bool TryParse(string? name, out QemuMachineKind kind)
    {
        kind = QemuMachineKind.Pc;
        switch (name)
        {
            case "pc" or "i440fx":
                return true;
            case "q35":
                kind = QemuMachineKind.Q35;
                return true;
            case not null when name.StartsWith("pc-i440fx-", StringComparison.Ordinal):
                return true;
            case not null when name.StartsWith("pc-q35-", StringComparison.Ordinal):
                kind = QemuMachineKind.Q35;
                return true;
            default:
                return false;
        }
    }
}
