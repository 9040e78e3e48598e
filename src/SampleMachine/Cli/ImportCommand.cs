using System.CommandLine;
using System.Security.Cryptography;
using VmState.Migration;
using VmState.Qemu.Machines;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Cli;

/// <summary><c>import-qemu FILE [--machine pc|q35] [--save OUT] [--skip-unknown] [--max-memory SIZE]</c>.</summary>
internal static class ImportCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "A QEMU 7.2 pc or q35 migration stream (e.g. from 'migrate exec:cat>FILE')" };
        var machineOption = new Option<string?>("--machine")
        {
            Description = "The machine the stream must be of: pc or q35 (default: the stream's configuration section)",
        };
        var save = new Option<FileInfo?>("--save") { Description = "Write the imported machine back as a stream" };
        var skipUnknown = new Option<bool>("--skip-unknown")
        {
            Description = "Leave out (and list) the sections the device library does not model, instead of failing",
        };
        var maxMemory = new Option<string>("--max-memory")
        {
            Description = "The most RAM (all blocks together) the stream may claim before anything is allocated (K/M/G/T suffixes)",
            DefaultValueFactory = _ => (QemuRamBlockList.DefaultMaxMemory >> 30).ToString(System.Globalization.CultureInfo.InvariantCulture) + "G",
        };
        var command = new Command(
            "import-qemu",
            "Load every RAM block and every device section of a QEMU 7.2 pc or q35 stream into a machine of the stream's layout; a section the library does not model is an error unless --skip-unknown")
        {
            file, machineOption, save, skipUnknown, maxMemory,
        };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            QemuMachineKind? kind = parse.GetValue(machineOption) is { } name ? CommonOptions.MachineKind(name) : null;

            long limit = CommonOptions.Size(parse, maxMemory, 1, long.MaxValue);
            QemuImportResult import = QemuStreams.ImportFile(parse.GetValue(file)!.FullName, new QemuImportOptions { Machine = kind, SkipUnknown = parse.GetValue(skipUnknown), MaxMemory = limit });
            using QemuMachine machine = import.Machine;
            long ram = machine.RamBlocks.Sum(b => b.Length);
            Ui.Line($"imported {PrintableText.Escape(machine.Layout.MachineType)}: {machine.Devices.Count} device sections, {machine.RamBlocks.Count} RAM blocks ({SizeParser.Format(ram)}), {import.Load.FramesLoaded} section frames loaded, {import.Load.FramesSkipped} skipped");
            if (import.Skipped.Count > 0)
            {
                Ui.Line($"warning: left out {import.Skipped.Count} section(s) the library does not model: {string.Join(", ", import.Skipped)}");
            }

            Ui.Line("pc.ram sha256: " + Sha256(machine.Ram()));
            if (parse.GetValue(save) is { } output)
            {
                long bytes = SnapshotFile.Save(output.FullName, machine.Registry, machine.StreamOptions);
                Ui.Line($"saved {SizeParser.Format(bytes)} to {output.FullName}");
            }

            return 0;
        }));
        return command;
    }

    private static string Sha256(RamBlock block)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long p = 0; p < block.PageCount; p++)
        {
            sha.AppendData(block.Page(p));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
