using System.CommandLine;
using System.Security.Cryptography;
using SampleMachine.Machine;

namespace SampleMachine.Cli;

/// <summary><c>import-qemu FILE [--save OUT]</c>.</summary>
internal static class ImportCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "A QEMU 7.2 pc migration stream (e.g. from 'migrate exec:cat>FILE')" };
        var save = new Option<FileInfo?>("--save") { Description = "Write the imported machine as a stream" };
        var command = new Command("import-qemu", "Load RAM (pc.ram), CPU and NIC from a QEMU 7.2 stream, skipping sections we do not model") { file, save };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            byte[] stream = File.ReadAllBytes(parse.GetValue(file)!.FullName);
            (VirtualMachine machine, var result) = QemuImport.Import(stream);
            using (machine)
            {
                Ui.Line($"imported {machine.MachineTypeName}: {SizeParser.Format(machine.Ram.Length)} pc.ram, {result.FramesLoaded} section frames loaded, {result.FramesSkipped} skipped");
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
