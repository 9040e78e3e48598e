using System.Buffers;
using System.Runtime.ExceptionServices;
using SampleMachine.Machine;
using VmState.Description;
using VmState.Migration;
using VmState.Qemu.Machines;
using VmState.Wire;

namespace VmState.Fuzz;

/// <summary>
/// The generated loaders, one section body at a time: the first input byte picks a device (modulo the count) among
/// the sample machine's (cpu_common, cpu, e1000) and then every device of the library's pc and q35 machines; the
/// rest of the input is its body, read by the device's generated <see cref="IVmStateObject.LoadVmState"/> at its
/// current version. Each device's whole state (every subsection) is saved before and loaded back after, as the
/// loader's staging does, so every input meets the device in its power-on state.
/// </summary>
internal sealed class DevicesTarget : FuzzTarget
{
    private static readonly Lazy<Catalog> Devices = new(() => new Catalog());

    public override string Name => "devices";

    /// <summary>The devices in selector order.</summary>
    public static IReadOnlyList<Device> Entries => Devices.Value.Entries;

    public override void Prepare() => _ = Devices.Value;

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        IReadOnlyList<Device> entries = Devices.Value.Entries;
        Device device = entries[input[0] % entries.Count];
        lock (device)
        {
            Exception? failure = null;
            try
            {
                var reader = new VmStateReader(input[1..], 1);
                device.State.LoadVmState(ref reader, device.Version);
            }
            catch (Exception e)
            {
                failure = e;
            }

            Restore(device);
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    // Back to power-on as the loader's rollback restores a device (a snapshot read with Restoring set); what the load
    // did must be undone completely, or a rollback would leave a device half loaded.
    private static void Restore(Device device)
    {
        try
        {
            var reader = new VmStateReader(device.PowerOn) { Restoring = true };
            device.State.LoadVmState(ref reader, device.Version);
        }
        catch (Exception e)
        {
            throw new FuzzOracleException($"restoring {device.Name} from its own snapshot failed: {e.Message}");
        }

        if (!Device.Save(device.State, all: true).AsSpan().SequenceEqual(device.PowerOn))
        {
            throw new FuzzOracleException($"restoring {device.Name} from its own snapshot did not give back its state");
        }
    }

    /// <summary>A device, how the sample machine or a library machine registered it, and its power-on body.</summary>
    internal sealed class Device(SectionEntry entry)
    {
        public IVmStateObject State { get; } = (IVmStateObject)entry.Target;

        public string IdStr { get; } = entry.IdStr;

        public int InstanceId { get; } = entry.InstanceId;

        public int Version { get; } = entry.Version;

        public string Name { get; } = entry.VmsdName ?? entry.IdStr;

        /// <summary>The whole state at power-on, every subsection included.</summary>
        public byte[] PowerOn { get; } = Save((IVmStateObject)entry.Target, all: true);

        public static byte[] Save(IVmStateObject state, bool all)
        {
            var output = new ArrayBufferWriter<byte>();
            var writer = new VmStateWriter(output) { SaveAllSubsections = all };
            state.SaveVmState(ref writer);
            writer.Flush();
            return output.WrittenSpan.ToArray();
        }
    }

    private sealed class Catalog : IDisposable
    {
        // Kept alive: the entries' devices belong to these machines.
        private readonly VirtualMachine _sample = new(VirtualMachine.MinMemory);
        private readonly QemuMachine _pc = QemuMachine.Create(QemuMachineKind.Pc, 2L << 20);
        private readonly QemuMachine _q35 = QemuMachine.Create(QemuMachineKind.Q35, 2L << 20);

        public Catalog()
        {
            Entries = [.. new[] { _sample.Registry, _pc.Registry, _q35.Registry }
                .SelectMany(r => r.Entries.Where(e => e.Target is IVmStateObject).Select(e => new Device(e)))];
        }

        public IReadOnlyList<Device> Entries { get; }

        public void Dispose()
        {
            _sample.Dispose();
            _pc.Dispose();
            _q35.Dispose();
        }
    }
}
