using VmState.Analysis;
using VmState.Description;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Machine;

/// <summary>
/// Takes RAM, CPU and NIC from a QEMU 7.2 <c>pc</c> stream into a <see cref="VirtualMachine"/>: <c>pc.ram</c> only
/// (other RAM blocks skipped), the devices we model by their QEMU id strings, every other section skipped by walking
/// the stream's own VMDESCRIPTION.
/// </summary>
public static class QemuImport
{
    /// <summary>The stream's machine type and the RAM blocks listed in its <c>ram</c> START section.</summary>
    public static (string MachineType, IReadOnlyList<(string Id, long Length)> Blocks) Inspect(ReadOnlySpan<byte> stream)
    {
        var reader = new VmStateReader(stream);
        if (reader.ReadUInt32() != QemuVmFile.Magic || reader.ReadUInt32() != QemuVmFile.Version)
        {
            throw new VmStateLoadException("Not a version 3 migration stream", 0);
        }

        string machine = "";
        if (reader.PeekByte() == (int)QemuSectionType.Configuration)
        {
            reader.ReadUInt8();
            uint length = reader.ReadUInt32();
            reader.EnsureAvailable(length, 1);
            byte[] name = new byte[length];
            reader.ReadBytes(name);
            machine = System.Text.Encoding.UTF8.GetString(name);
        }

        var blocks = new List<(string, long)>();
        if (reader.ReadUInt8() == (byte)QemuSectionType.SectionStart)
        {
            reader.ReadUInt32();
            if (reader.ReadCountedString() == RamSection.IdStr)
            {
                reader.ReadUInt32();
                reader.ReadUInt32();
                ulong header = reader.ReadUInt64();
                for (ulong left = header & ~(ulong)(RamBlock.PageSize - 1); left > 0;)
                {
                    string id = reader.ReadCountedString();
                    ulong length = reader.ReadUInt64();
                    if (length > left)
                    {
                        throw new VmStateLoadException("RAM block list runs past its total", reader.Position);
                    }

                    blocks.Add((id, (long)length));
                    left -= length;
                }
            }
        }

        return (machine, blocks);
    }

    /// <summary>A machine holding the stream's <c>pc.ram</c>, CPU and NIC state.</summary>
    /// <exception cref="VmStateLoadException">The stream is damaged or has no <c>pc.ram</c>.</exception>
    public static (VirtualMachine Machine, MigrationLoadResult Result) Import(byte[] stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (string machineType, var blocks) = Inspect(stream);
        long memory = blocks.FirstOrDefault(b => b.Id == "pc.ram").Length;
        if (memory <= 0)
        {
            throw new VmStateLoadException("The stream has no pc.ram block", 0);
        }

        var machine = new VirtualMachine(memory) { MachineTypeName = machineType };
        try
        {
            machine.RamSection.SkipUnknownBlocks = true;
            var loader = new MigrationLoader(machine.Registry, machine.StreamOptions)
            {
                UnknownSections = VmDescriptionSkipper.FromStream(stream),
            };
            MigrationLoadResult result = loader.Load(stream);
            machine.RamSection.SkipUnknownBlocks = false;
            return (machine, result);
        }
        catch
        {
            machine.Dispose();
            throw;
        }
    }
}
