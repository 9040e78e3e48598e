using VmState.Analysis;
using VmState.Description;
using VmState.Migration;
using VmState.Qemu.Machines;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Machine;

/// <summary>
/// Takes RAM, CPU and NIC from a QEMU 7.2 <c>pc</c> or <c>q35</c> stream into a <see cref="VirtualMachine"/>:
/// <c>pc.ram</c>, the devices we model by their QEMU id strings, and, only when asked, everything else skipped by
/// walking the stream's own VMDESCRIPTION and listed.
/// </summary>
public static class QemuImport
{
    /// <summary>The stream's machine type and the RAM blocks listed in its <c>ram</c> START section.</summary>
    /// <exception cref="VmStateLoadException">The stream is not a version 3 stream or its block list is damaged.</exception>
    public static (string MachineType, IReadOnlyList<(string Id, long Length)> Blocks) Inspect(ReadOnlySpan<byte> stream)
    {
        (string machine, var blocks, _) = InspectAt(stream);
        return (machine, [.. blocks.Select(b => (b.Id, b.Length))]);
    }

    // Also where the block list starts, for the error of a claim over the limit.
    private static (string MachineType, IReadOnlyList<QemuRamBlockSpec> Blocks, long ListAt) InspectAt(ReadOnlySpan<byte> stream)
    {
        QemuStreamHead head = QemuStreams.Head(stream);
        return (head.MachineType ?? "", head.RamBlocks, head.RamBlockListAt);
    }

    /// <summary>
    /// A machine holding the stream's <c>pc.ram</c>, CPU and NIC state, the NIC at the PCI address the stream gives
    /// it. What the machine does not model (other RAM blocks, other devices) is an error naming all of it, unless
    /// <paramref name="skipUnknown"/>; then it is skipped and listed in <c>Skipped</c>, never silently.
    /// </summary>
    /// <remarks>Only <c>pc.ram</c> is allocated, so only it counts against <paramref name="maxMemory"/> (default
    /// <see cref="VirtualMachine.MaxMemory"/>); a larger claim fails before any RAM is allocated.</remarks>
    /// <exception cref="VmStateLoadException">The stream is damaged, has no <c>pc.ram</c> or no e1000, claims a
    /// <c>pc.ram</c> larger than <paramref name="maxMemory"/>, or (without <paramref name="skipUnknown"/>) has sections
    /// or RAM blocks this machine does not model.</exception>
    public static (VirtualMachine Machine, MigrationLoadResult Result, IReadOnlyList<string> Skipped) Import(byte[] stream, bool skipUnknown, long maxMemory = VirtualMachine.MaxMemory)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (string machineType, var blocks, long listAt) = InspectAt(stream);
        QemuRamBlockSpec[] ram = [.. blocks.Where(b => b.Id == "pc.ram")];
        if (ram.Length == 0)
        {
            throw new VmStateLoadException("The stream has no pc.ram block", listAt);
        }

        QemuRamBlockList.CheckLimit(ram, maxMemory, listAt);
        long memory = ram[0].Length;
        if (memory < VirtualMachine.MinMemory)
        {
            throw new VmStateLoadException($"The stream's pc.ram of {memory} bytes is smaller than this machine's least RAM, 1 MiB", listAt);
        }

        var machine = new VirtualMachine(memory, nicPath: NicPath(stream)) { MachineTypeName = machineType };
        try
        {
            machine.RamSection.SkipUnknownBlocks = true;
            var skipper = new ListingSkipper(VmDescriptionSkipper.FromStream(stream));
            var loader = new MigrationLoader(machine.Registry, machine.StreamOptions) { UnknownSections = skipper };
            MigrationLoadResult result = loader.Load(stream);
            machine.RamSection.SkipUnknownBlocks = false;
            List<string> skipped = [.. blocks.Where(b => b.Id != "pc.ram").Select(b => $"RAM block '{PrintableText.Escape(b.Id)}'"), .. skipper.Skipped];
            if (skipped.Count > 0 && !skipUnknown)
            {
                throw new VmStateLoadException(
                    $"The stream has {skipped.Count} part(s) this machine does not model: {string.Join(", ", skipped)}; import with --skip-unknown (skipUnknown: true) to leave them out",
                    result.BytesRead);
            }

            return (machine, result, skipped);
        }
        catch
        {
            machine.Dispose();
            throw;
        }
    }

    // The e1000's section id is "<PCI address>/e1000" (0000:00:03.0 on pc, 0000:00:02.0 on q35); the stream's
    // VMDESCRIPTION lists it. A NIC assumed at the wrong address would be skipped and left in its reset state.
    private static string NicPath(byte[] stream)
    {
        string json = VmDescriptionSkipper.FindVmDescription(stream)
            ?? throw new VmStateLoadException("The stream has no VMDESCRIPTION to find its devices in", stream.Length);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        if (doc.RootElement.TryGetProperty("devices", out var devices) && devices.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var device in devices.EnumerateArray())
            {
                if (device.TryGetProperty("name", out var name) && name.GetString() is { } id && id.EndsWith("/" + E1000Name, StringComparison.Ordinal))
                {
                    return id[..^(E1000Name.Length + 1)];
                }
            }
        }

        throw new VmStateLoadException("The stream has no e1000 device", stream.Length);
    }

    private const string E1000Name = "e1000";

    /// <summary>Skips through the stream's own VMDESCRIPTION and remembers what it skipped.</summary>
    private sealed class ListingSkipper(IUnknownSectionSkipper inner) : IUnknownSectionSkipper
    {
        public List<string> Skipped { get; } = [];

        public void Skip(ref VmStateReader reader, in SectionHeader header, QemuSectionType frame)
        {
            if (frame is QemuSectionType.SectionFull or QemuSectionType.SectionStart)
            {
                Skipped.Add($"'{PrintableText.Escape(header.IdStr)}' {header.InstanceId}");
            }

            inner.Skip(ref reader, header, frame);
        }
    }
}
