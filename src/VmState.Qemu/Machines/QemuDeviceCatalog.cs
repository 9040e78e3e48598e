using VmState.Description;
using VmState.Migration;
using VmState.Qemu.Isa;
using VmState.Qemu.Net;

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
            QemuDeviceType.State(Slirp.IdStr, Slirp.Version, _ => new Slirp()),
            QemuDeviceType.Of(_ => new Port92()),
            QemuDeviceType.Of(_ => new PcSpeaker()),
            QemuDeviceType.Of(_ => new I8259()),
        ];
        return all.ToDictionary(t => t.Name, StringComparer.Ordinal);
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

    /// <summary>A new device as <paramref name="kind"/> configures it.</summary>
    public abstract object Create(QemuMachineKind kind);

    /// <summary>Registers <paramref name="device"/> (made by <see cref="Create"/>) for <paramref name="section"/>.</summary>
    public abstract SectionEntry Register(VmStateRegistry registry, object device, QemuSectionSpec section);

    /// <summary>A described device type.</summary>
    public static QemuDeviceType Of<T>(Func<QemuMachineKind, T> create)
        where T : class, IVmStateObject => new Described<T>(create);

    /// <summary>An old-style section type.</summary>
    public static QemuDeviceType State<T>(string idStr, int version, Func<QemuMachineKind, T> create)
        where T : StateSectionHandler => new Handwritten<T>(idStr, version, create);

    private sealed class Described<T>(Func<QemuMachineKind, T> create) : QemuDeviceType(T.VmStateDescription.Name, typeof(T))
        where T : class, IVmStateObject
    {
        public override VmStateDescription Description => T.VmStateDescription;

        public override object Create(QemuMachineKind kind) => create(kind);

        public override SectionEntry Register(VmStateRegistry registry, object device, QemuSectionSpec section) =>
            registry.Register((T)device, section.InstanceId, section.DevicePath, sectionId: section.SectionId);
    }

    private sealed class Handwritten<T>(string idStr, int version, Func<QemuMachineKind, T> create) : QemuDeviceType(idStr, typeof(T))
        where T : StateSectionHandler
    {
        public override VmStateDescription? Description => null;

        public override object Create(QemuMachineKind kind) => create(kind);

        public override SectionEntry Register(VmStateRegistry registry, object device, QemuSectionSpec section) =>
            registry.RegisterState(section.IdStr, (T)device, version, section.InstanceId, section.SectionId);
    }
}
