using System.Buffers;
using System.Security.Cryptography;
using VmState.Description;
using VmState.Migration;
using VmState.Qemu.E1000;
using VmState.Qemu.Machines;
using VmState.Qemu.X86;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Machine;

/// <summary>
/// The reference machine: guest RAM in one block (<c>pc.ram</c>), an x86 CPU and an e1000 NIC at PCI 00:03.0, all
/// registered for migration under the id strings QEMU 7.2's <c>pc</c> machine uses, so state moves between the two.
/// </summary>
public sealed class VirtualMachine : IDisposable
{
    /// <summary>Default guest RAM: 256 MiB.</summary>
    public const long DefaultMemory = 256L << 20;

    /// <summary>The least guest RAM the machine runs with: 1 MiB.</summary>
    public const long MinMemory = 1L << 20;

    /// <summary>The most guest RAM the machine accepts: 16 GiB, the limit a stream's RAM claims are held to too.</summary>
    public const long MaxMemory = QemuRamBlockList.DefaultMaxMemory;

    /// <summary>The NIC's PCI address, the prefix of its section id string.</summary>
    public const string NicPath = "0000:00:03.0";

    /// <summary>The machine type carried by our streams.</summary>
    public const string MachineType = "vmstate-sample-1.0";

    private static readonly byte[] DefaultMac = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

    /// <summary>
    /// A powered-on machine with <paramref name="memoryBytes"/> of zeroed RAM and its NIC at PCI address
    /// <paramref name="nicPath"/> (an imported machine takes the address its source stream gives).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="memoryBytes"/> is not a whole number of pages from
    /// <see cref="MinMemory"/> to <see cref="MaxMemory"/>.</exception>
    public VirtualMachine(long memoryBytes = DefaultMemory, string ramBlockId = "pc.ram", string nicPath = NicPath)
    {
        if (memoryBytes is < MinMemory or > MaxMemory || memoryBytes % RamBlock.PageSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryBytes), memoryBytes, $"Guest RAM is a whole number of {RamBlock.PageSize}-byte pages from 1 MiB to 16 GiB");
        }

        Ram = new RamBlock(ramBlockId, memoryBytes);
        RamSection = new RamSection([Ram]);
        Registry.RegisterLive(RamSection.IdStr, RamSection, RamSection.SectionVersion);

        // QEMU registers the CPU's common part first, both as instance 0 (the CPU index).
        Registry.Register(Cpu.Common, instanceId: 0);
        Registry.Register(Cpu, instanceId: 0);
        Nic.PowerOn(DefaultMac);
        Registry.Register(Nic, devicePath: nicPath);
        NicDevicePath = nicPath;
    }

    /// <summary>The NIC's PCI address: the prefix of its section id string.</summary>
    public string NicDevicePath { get; }

    /// <summary>Everything that migrates, in save order.</summary>
    public VmStateRegistry Registry { get; } = new();

    /// <summary>Guest RAM.</summary>
    public RamBlock Ram { get; }

    /// <summary>The <c>ram</c> live section over <see cref="Ram"/>.</summary>
    public RamSection RamSection { get; }

    /// <summary>The CPU (QEMU 7.2's <c>cpu</c> v12 and <c>cpu_common</c>).</summary>
    public X86Cpu Cpu { get; } = new();

    /// <summary>The NIC.</summary>
    public E1000Nic Nic { get; } = new();

    /// <summary>The machine type its streams carry (an imported machine keeps its source's, e.g. <c>pc-i440fx-7.2</c>).</summary>
    public string MachineTypeName { get; set; } = MachineType;

    /// <summary>Stream options of this machine type.</summary>
    public MigrationStreamOptions StreamOptions => new() { MachineName = MachineTypeName };

    /// <summary>
    /// SHA-256 over the complete machine state: every RAM page, then every device's full state (all subsections, so
    /// that nothing a stream could carry escapes the comparison), in registry order.
    /// </summary>
    public string StateHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long p = 0; p < Ram.PageCount; p++)
        {
            sha.AppendData(Ram.Page(p));
        }

        var output = new ArrayBufferWriter<byte>();
        foreach (SectionEntry entry in Registry.Entries)
        {
            if (entry.Target is IVmStateObject device)
            {
                output.ResetWrittenCount();
                var writer = new VmStateWriter(output) { SaveAllSubsections = true };
                device.SaveVmState(ref writer);
                writer.Flush();
                sha.AppendData(output.WrittenSpan);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Fills the first <paramref name="fraction"/> of RAM with seeded random bytes (a guest that used its memory).</summary>
    public void FillRandom(ulong seed, double fraction)
    {
        long pages = (long)(Ram.PageCount * Math.Clamp(fraction, 0, 1));
        var rng = new Random((int)seed ^ (int)(seed >> 32));
        for (long p = 0; p < pages; p++)
        {
            rng.NextBytes(Ram.Page(p));
        }

        Ram.MarkDirty(0, pages * RamBlock.PageSize);
    }

    /// <summary>Writes a snapshot file atomically (the guest must be stopped).</summary>
    public long SaveSnapshot(string path) => SnapshotFile.Save(path, Registry, StreamOptions);

    /// <summary>Loads a snapshot file; on failure the machine is unchanged.</summary>
    public MigrationLoadResult LoadSnapshot(string path) => SnapshotFile.Load(path, Registry, StreamOptions);

    /// <summary>Frees guest RAM.</summary>
    public void Dispose() => Ram.Dispose();
}
