using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Qemu.Machines;

/// <summary>
/// A whole QEMU 7.2 x86 machine's migratable state: every RAM block and every device section of its
/// <see cref="QemuMachineLayout"/>, registered in QEMU's save order under QEMU's id strings, instances and section
/// numbers, so that it loads a QEMU stream of that machine and saves one QEMU loads.
/// </summary>
public sealed class QemuMachine : IDisposable
{
    private readonly List<(QemuSectionSpec Section, object Device)> _devices = [];

    private QemuMachine(QemuMachineLayout layout)
    {
        Layout = layout;
        RamBlocks = [.. layout.RamBlocks.Select(b => new RamBlock(b.Id, b.Length))];
        RamSection = new RamSection(RamBlocks);
        Registry.RegisterLive(RamSection.IdStr, RamSection, RamSection.SectionVersion, instanceId: 0, sectionId: layout.RamSectionId);
        var shared = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (QemuSectionSpec section in layout.Sections.OrderBy(s => s.SectionId))
        {
            QemuDeviceType type = QemuDeviceCatalog.Find(section.Name)
                ?? throw new ArgumentException($"The library has no device '{PrintableText.Escape(section.Name)}' (section '{PrintableText.Escape(section.IdStr)}')", nameof(layout));
            object device = type.Create(new QemuDeviceContext(layout.Kind, section, shared));
            type.Register(Registry, device, section);
            _devices.Add((section, device));
        }
    }

    /// <summary>QEMU 7.2's default <paramref name="kind"/> machine with an e1000 and <paramref name="memoryBytes"/> of RAM.</summary>
    public static QemuMachine Create(QemuMachineKind kind, long memoryBytes = 128L << 20) => new(QemuMachineLayout.Default(kind, memoryBytes));

    /// <summary>A machine of <paramref name="layout"/> (e.g. one read from a stream with <see cref="QemuStreams.Layout"/>).</summary>
    /// <exception cref="ArgumentException">The layout names a section the library does not model.</exception>
    public static QemuMachine Create(QemuMachineLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new QemuMachine(layout);
    }

    /// <summary>What this machine consists of.</summary>
    public QemuMachineLayout Layout { get; }

    /// <summary>Everything that migrates, in save order.</summary>
    public VmStateRegistry Registry { get; } = new();

    /// <summary>The RAM blocks, in wire order.</summary>
    public IReadOnlyList<RamBlock> RamBlocks { get; }

    /// <summary>The <c>ram</c> live section over <see cref="RamBlocks"/>.</summary>
    public RamSection RamSection { get; }

    /// <summary>The devices with the sections they are registered for, in save order.</summary>
    public IReadOnlyList<(QemuSectionSpec Section, object Device)> Devices => _devices;

    /// <summary>Stream options of this machine: its machine type in the configuration section.</summary>
    public MigrationStreamOptions StreamOptions => new() { MachineName = Layout.MachineType };

    /// <summary>The RAM block with this id string.</summary>
    /// <exception cref="KeyNotFoundException">The machine has no such block.</exception>
    public RamBlock Ram(string id = "pc.ram") =>
        RamBlocks.FirstOrDefault(b => b.Id == id) ?? throw new KeyNotFoundException($"The machine has no RAM block '{PrintableText.Escape(id)}'");

    /// <summary>The device of type <typeparamref name="T"/> at <paramref name="instance"/> (in save order among its type).</summary>
    /// <exception cref="KeyNotFoundException">The machine has no such device.</exception>
    public T Device<T>(int instance = 0)
        where T : class =>
        _devices.Select(d => d.Device).OfType<T>().Skip(instance).FirstOrDefault()
        ?? throw new KeyNotFoundException($"The machine has no {typeof(T).Name} #{instance}");

    /// <summary>Frees the RAM blocks.</summary>
    public void Dispose()
    {
        foreach (RamBlock block in RamBlocks)
        {
            block.Dispose();
        }
    }
}
