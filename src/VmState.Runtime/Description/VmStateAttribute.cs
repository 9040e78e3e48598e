namespace VmState.Description;

/// <summary>
/// Marks a <c>partial</c> class or struct as a described device state (QEMU's <c>VMStateDescription</c>). The source
/// generator writes its save/load code, its description metadata and its schema from the members marked with
/// <see cref="VmStateFieldAttribute"/> (and <see cref="UnusedAttribute"/>, <see cref="ValidateAttribute"/>),
/// in declaration order.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class VmStateAttribute : Attribute
{
    /// <summary>Describes the type under QEMU's description name <paramref name="name"/> (e.g. <c>e1000</c>).</summary>
    public VmStateAttribute(string name) => Name = name;

    /// <summary>The description (vmsd) name: the section idstr suffix, the <c>vmsd_name</c> in VMDESCRIPTION.</summary>
    public string Name { get; }

    /// <summary>The version written on save (<c>version_id</c>). Default 1.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The oldest incoming version accepted (<c>minimum_version_id</c>). Default: 1, or 0 when <see cref="Version"/> is 0.</summary>
    public int MinimumVersion { get; set; } = -1;

    /// <summary>Save order among sections: higher first.</summary>
    public MigrationPriority Priority { get; set; }

    /// <summary>Any registered instance blocks migration (QEMU's <c>unmigratable</c>).</summary>
    public bool Unmigratable { get; set; }

    /// <summary>Saved as a FULL section in the setup phase, before live sections (QEMU's <c>early_setup</c>).</summary>
    public bool EarlySetup { get; set; }

    /// <summary>The device type name that keys this description in a <c>-dump-vmstate</c> file; default <see cref="Name"/>.</summary>
    public string? DeviceType { get; set; }

    /// <summary>
    /// Every device type that keys this description in a <c>-dump-vmstate</c> file, when there are several (QEMU
    /// lists its i8254 under <c>isa-pit</c>, <c>kvm-pit</c> and <c>pit-common</c>); after <see cref="DeviceType"/>, if both are given.
    /// </summary>
    public string[]? DeviceTypes { get; set; }

    /// <summary>
    /// The <c>size</c> a <c>-dump-vmstate</c> file gives fields of this type when it is nested. QEMU prints the C
    /// <c>sizeof</c>, which only a QEMU port can know; default: the bytes the type's fields take on the wire.
    /// </summary>
    public int DumpSize { get; set; }
}
