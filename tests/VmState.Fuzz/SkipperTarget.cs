using System.Buffers.Binary;
using System.Text;
using SampleMachine.Machine;
using VmState.Analysis;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Fuzz;

/// <summary>
/// A load with <see cref="MigrationLoader.UnknownSections"/> = <see cref="VmDescriptionSkipper"/> of the input's own
/// VMDESCRIPTION: into an empty registry (inputs of even length) or into the sample machine's devices without its RAM
/// (odd length), so most sections, <c>ram</c> included, are skipped by the description walk. The machine type is
/// taken from the input's configuration section, as an import does.
/// </summary>
internal sealed class SkipperTarget : FuzzTarget
{
    private VirtualMachine? _machine;

    public override string Name => "skipper";

    public override void Prepare()
    {
        if (_machine is null)
        {
            _machine = new VirtualMachine(VirtualMachine.MinMemory);
            _machine.Registry.Unregister(_machine.RamSection);
        }
    }

    public override void Run(ReadOnlySpan<byte> input)
    {
        VirtualMachine machine = _machine ?? throw new InvalidOperationException("Prepare first");
        VmStateRegistry registry = input.Length % 2 == 0 ? new VmStateRegistry() : machine.Registry;
        var loader = new MigrationLoader(registry, new MigrationStreamOptions { MachineName = MachineName(input) })
        {
            UnknownSections = VmDescriptionSkipper.FromStream(input),
        };
        try
        {
            loader.Load(input.ToArray());
        }
        finally
        {
            // A load that succeeded changed the devices: start the next input from a fresh machine.
            if (registry == machine.Registry)
            {
                machine.Dispose();
                _machine = null;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        _machine?.Dispose();
        _machine = null;
        base.Dispose(disposing);
    }

    // The configuration section's machine name (header, 0x07, be32 length, name), if it is there and short.
    private static string MachineName(ReadOnlySpan<byte> input)
    {
        if (input.Length >= 13 && input[8] == (byte)QemuSectionType.Configuration)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(input[9..]);
            if (length <= 64 && 13 + length <= input.Length)
            {
                return Encoding.UTF8.GetString(input.Slice(13, (int)length));
            }
        }

        return VirtualMachine.MachineType;
    }
}
