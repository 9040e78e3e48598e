using System.CommandLine;
using System.Security.Cryptography;
using SampleMachine.Machine;

namespace SampleMachine.Cli;

/// <summary><c>import-qemu FILE [--save OUT] [--skip-unknown]</c>.</summary>
internal static class ImportCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "A QEMU 7.2 pc migration stream (e.g. from 'migrate exec:cat>FILE')" };
        var save = new Option<FileInfo?>("--save") { Description = "Write the imported machine as a stream" };
        var skipUnknown = new Option<bool>("--skip-unknown")
        {
            Description = "Leave out the sections and RAM blocks this machine does not model (listed), instead of failing",
        };
        var command = new Command("import-qemu", "Load RAM (pc.ram), CPU and NIC from a QEMU 7.2 pc or q35 stream; anything else is an error unless --skip-unknown") { file, save, skipUnknown };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            byte[] stream = File.ReadAllBytes(parse.GetValue(file)!.FullName);
            (VirtualMachine machine, var result, IReadOnlyList<string> skipped) = QemuImport.Import(stream, parse.GetValue(skipUnknown));
            using (machine)
            {
                Ui.Line($"imported {machine.MachineTypeName}: {SizeParser.Format(machine.Ram.Length)} pc.ram, NIC at {machine.NicDevicePath}, {result.FramesLoaded} section frames loaded, {result.FramesSkipped} skipped");
                if (skipped.Count > 0)
                {
                    Ui.Line($"warning: left out {skipped.Count} part(s) this machine does not model: {string.Join(", ", skipped)}");
                }

                using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    for (long p = 0; p < machine.Ram.PageCount; p++)
                    {
                        sha.AppendData(machine.Ram.Page(p));
                    }

                    Ui.Line("pc.ram sha256: " + Convert.ToHexStringLower(sha.GetHashAndReset()));
                }

                if (parse.GetValue(save) is { } output)
                {
                    long bytes = machine.SaveSnapshot(output.FullName);
                    Ui.Line($"saved {SizeParser.Format(bytes)} to {output.FullName}");
                }

                Ui.Line("state sha256: " + machine.StateHash());
            }

            return 0;
        }));
        return command;
    }
}
