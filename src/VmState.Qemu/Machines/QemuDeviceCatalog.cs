using VmState.Description;
using VmState.Migration;
using VmState.Qemu.Char;
using VmState.Qemu.Acpi;
using VmState.Qemu.Display;
using VmState.Qemu.E1000;
using VmState.Qemu.I2c;
using VmState.Qemu.Ide;
using VmState.Qemu.Input;
using VmState.Qemu.Isa;
using VmState.Qemu.Misc;
using VmState.Qemu.Net;
using VmState.Qemu.Pci;
using VmState.Qemu.Timer;
using VmState.Qemu.X86;

namespace VmState.Qemu.Machines;

/// <summary>
/// Every section the library can make, by description name (old-style sections by id string): how to create the
/// device as a machine configures it, and how to register it.
/// </summary>
public static class QemuDeviceCatalog
{
    private static readonly Dictionary<string, QemuDeviceType> Types = Build();

    /// <summary>The names the catalog knows.</summary>
    public static IEnumerable<string> Names => Types.Keys;

    /// <summary>The device type for a description name, or null.</summary>
    public static QemuDeviceType? Find(string name) => Types.GetValueOrDefault(name);

    private static Dictionary<string, QemuDeviceType> Build()
    {
        QemuDeviceType[] all =
        [
            // The machine and the CPU: a CPU's common part is its own section, made with the CPU it belongs to.
            QemuDeviceType.Of(_ => new Timers()),
            QemuDeviceType.State(Slirp.IdStr, Slirp.Version, _ => new Slirp()),
            QemuDeviceType.Of(c => c.Shared("cpu", () => new X86Cpu()).Common),
            QemuDeviceType.Of(c => c.Shared("cpu", () => new X86Cpu())),
            QemuDeviceType.Of(_ => new KvmVapic()),
            QemuDeviceType.Of(_ => new Apic()),
            QemuDeviceType.Of(_ => new FwCfg()),
            QemuDeviceType.Of(_ => new GlobalState()),
            QemuDeviceType.Of(_ => new AcpiBuild()),

            // PCI: the host bridge, the bus, the north and south bridges.
            QemuDeviceType.Of(_ => new PciHost()),
            QemuDeviceType.Of(c => PciBus.ForMachine(c.Kind.ShortName())),
            QemuDeviceType.Of(_ => new I440fx()),
            QemuDeviceType.Of(_ => new Mch()),
            QemuDeviceType.Of(_ => new Piix3()),
            QemuDeviceType.Of(_ => new Ich9Lpc()),

            // The ISA devices every PC has.
            QemuDeviceType.Of(_ => new I8257()),
            QemuDeviceType.Of(_ => new I8259()),
            QemuDeviceType.Of(_ => new IoApic()),
            QemuDeviceType.Of(_ => new Hpet()),
            QemuDeviceType.Of(_ => new Mc146818Rtc()),
            QemuDeviceType.Of(_ => new I8254()),
            QemuDeviceType.Of(_ => new PcSpeaker()),
            QemuDeviceType.Of(_ => new IsaSerial()),
            QemuDeviceType.Of(_ => new ParallelIsa()),
            QemuDeviceType.Of(_ => new IsaFdc()),
            QemuDeviceType.Of(_ => new Ps2Keyboard()),
            QemuDeviceType.Of(_ => new Ps2Mouse()),
            QemuDeviceType.Of(_ => new I8042()),
            QemuDeviceType.Of(_ => new VmMouse()),
            QemuDeviceType.Of(_ => new Port92()),

            // PCI functions: display, network, storage, SMBus and power management.
            QemuDeviceType.Of(_ => new PciVga()),
            QemuDeviceType.Of(_ => NewNic()),
            QemuDeviceType.Of(_ => new PiixIde()),
            QemuDeviceType.Of(_ => new Ich9Ahci()),
            QemuDeviceType.Of(_ => new Ich9Smbus()),
            QemuDeviceType.Of(_ => new I2cBus()),
            QemuDeviceType.Of(_ => new Piix4Pm()),
        ];
        return all.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    // QEMU's default NIC address: 52:54:00:12:34:56, the first of its locally administered range.
    private static E1000Nic NewNic()
    {
        var nic = new E1000Nic();
        nic.PowerOn([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
        return nic;
    }
}

/// <summary>What a device factory of <see cref="QemuDeviceCatalog"/> is given: the machine, and its section.</summary>
public sealed class QemuDeviceContext
{
    private readonly Dictionary<string, object> _shared;

    internal QemuDeviceContext(QemuMachineKind kind, QemuSectionSpec section, Dictionary<string, object> shared)
    {
        Kind = kind;
        Section = section;
        _shared = shared;
    }

    /// <summary>The machine being built.</summary>
    public QemuMachineKind Kind { get; }

    /// <summary>The section the device is made for.</summary>
    public QemuSectionSpec Section { get; }

    /// <summary>
    /// The object that several sections of one instance share (a CPU and its common part), made by the first that
    /// asks: keyed by <paramref name="key"/> and the section's instance.
    /// </summary>
    public T Shared<T>(string key, Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        string k = key + "#" + Section.InstanceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!_shared.TryGetValue(k, out object? value))
        {
            _shared[k] = value = create();
        }

        return (T)value;
    }
}

/// <summary>One kind of section the library can make (see <see cref="QemuDeviceCatalog"/>).</summary>
public abstract class QemuDeviceType
{
    private protected QemuDeviceType(string name, Type type)
    {
        Name = name;
        ClrType = type;
    }

    /// <summary>The description name, or an old-style section's id string.</summary>
    public string Name { get; }

    /// <summary>The C# type of the device.</summary>
    public Type ClrType { get; }

    /// <summary>The description, or null for an old-style section.</summary>
    public abstract VmStateDescription? Description { get; }

    /// <summary>A new device as the machine of <paramref name="context"/> configures it.</summary>
    public abstract object Create(QemuDeviceContext context);

    /// <summary>Registers <paramref name="device"/> (made by <see cref="Create"/>) for <paramref name="section"/>.</summary>
    public abstract SectionEntry Register(VmStateRegistry registry, object device, QemuSectionSpec section);

    /// <summary>A described device type.</summary>
    public static QemuDeviceType Of<T>(Func<QemuDeviceContext, T> create)
        where T : class, IVmStateObject => new Described<T>(create);

    /// <summary>An old-style section type.</summary>
    public static QemuDeviceType State<T>(string idStr, int version, Func<QemuDeviceContext, T> create)
        where T : StateSectionHandler => new Handwritten<T>(idStr, version, create);

    private sealed class Described<T>(Func<QemuDeviceContext, T> create) : QemuDeviceType(T.VmStateDescription.Name, typeof(T))
        where T : class, IVmStateObject
    {
        public override VmStateDescription Description => T.VmStateDescription;

        public override object Create(QemuDeviceContext context) => create(context);

        public override SectionEntry Register(VmStateRegistry registry, object device, QemuSectionSpec section) =>
            registry.Register((T)device, section.InstanceId, section.DevicePath, sectionId: section.SectionId);
    }

    private sealed class Handwritten<T>(string idStr, int version, Func<QemuDeviceContext, T> create) : QemuDeviceType(idStr, typeof(T))
        where T : StateSectionHandler
    {
        public override VmStateDescription? Description => null;

        public override object Create(QemuDeviceContext context) => create(context);

        public override SectionEntry Register(VmStateRegistry registry, object device, QemuSectionSpec section) =>
            registry.RegisterState(section.IdStr, (T)device, version, section.InstanceId, section.SectionId);
    }
}
