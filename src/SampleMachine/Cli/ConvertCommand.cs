using System.CommandLine;
using VmState.Analysis;
using VmState.Qemu.Machines;
using VmState.Qemu.Releases;
using VmState.Wire;

namespace SampleMachine.Cli;

/// <summary>
/// <c>convert IN OUT --to 7.2|10.0 [--machine pc|q35|TYPE] [--from 7.2|10.0] [--lossy]</c>: a stream of one QEMU
/// release and machine type rewritten for another, by the two releases' descriptions.
/// </summary>
internal static class ConvertCommand
{
    public static Command Build()
    {
        var input = new Argument<FileInfo>("in") { Description = "A migration stream (QEMU's, e.g. from 'migrate exec:cat>FILE', or ours)" };
        var output = new Argument<FileInfo>("out") { Description = "Where the converted stream goes (written whole or not at all)" };
        var to = new Option<string>("--to") { Description = "The QEMU release to convert for: 7.2 or 10.0", Required = true };
        to.AcceptOnlyFromAmong([.. QemuRelease.All.Select(r => r.Version)]);
        var from = new Option<string?>("--from") { Description = "The release whose descriptions the stream was written with (default: its VMDESCRIPTION tells: 10.0 when it describes its configuration, else 7.2)" };
        from.AcceptOnlyFromAmong([.. QemuRelease.All.Select(r => r.Version)]);
        var machine = new Option<string?>("--machine")
        {
            Description = "The target machine type: pc or q35 (the target release's own, e.g. pc-i440fx-7.2), or a versioned type such as pc-i440fx-7.2 (default: the stream's kind in the target release)",
        };
        var lossy = new Option<bool>("--lossy") { Description = "Drop (and list) the values the target release has no place for, instead of refusing the stream" };
        var command = new Command("convert", "Rewrite a stream for another QEMU release and machine type (7.2 <-> 10.0, pc and q35); a value the target cannot hold is an error naming device, field and value, unless --lossy")
        {
            input, output, to, from, machine, lossy,
        };
        command.SetAction(parse => CommonOptions.Run(parse, () => Run(
            parse.GetValue(input)!.FullName,
            parse.GetValue(output)!.FullName,
            QemuRelease.Find(parse.GetValue(to))!,
            QemuRelease.Find(parse.GetValue(from)),
            parse.GetValue(machine),
            parse.GetValue(lossy),
            Console.Out)));
        return command;
    }

    /// <summary>Converts <paramref name="inputPath"/> into <paramref name="outputPath"/>; prints what it did.</summary>
    internal static int Run(string inputPath, string outputPath, QemuRelease target, QemuRelease? source, string? machine, bool lossy, TextWriter log)
    {
        using FileStream input = AnalyzeCliCommand.OpenFile(inputPath);
        AnalysisObject description = MigrationStreamAnalyzer.Description(input);
        source ??= QemuRelease.WriterOf(description);
        string sourceMachine = MachineOf(input);
        string machineType = TargetMachine(sourceMachine, machine, target);
        var conversion = new ConversionTarget(machineType, target.SendsSwitchoverStart(machineType), target.DescribesConfiguration);

        // Written beside the target and renamed over it once whole: a refusal leaves nothing behind.
        string temporary = outputPath + ".converting";
        ConversionResult result;
        try
        {
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                result = MigrationStreamConverter.Convert(input, output, source.PlanTo(target), conversion, lossy);
            }

            File.Move(temporary, outputPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        log.WriteLine($"converted {PrintableText.Escape(sourceMachine)} (QEMU {source.Version}'s descriptions) to {PrintableText.Escape(machineType)} (QEMU {target.Version}): {result.Sections} device sections, {SizeParser.Format(result.BytesWritten)} to {outputPath}");
        foreach (string line in result.Dropped)
        {
            log.WriteLine("dropped: " + line);
        }

        return 0;
    }

    // The machine type of the configuration section, read from the stream's first bytes.
    private static string MachineOf(FileStream input)
    {
        long at = input.Position;
        byte[] head = new byte[4096 + 13];
        int got = input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        input.Position = at;
        return QemuStreams.Head(head.AsSpan(0, got)).MachineType
            ?? throw new VmStateLoadException("The stream has no configuration section to name its machine type", 8);
    }

    private static string TargetMachine(string sourceMachine, string? asked, QemuRelease target)
    {
        if (asked is "pc" or "q35")
        {
            return target.MachineType(CommonOptions.MachineKind(asked));
        }

        if (asked is not null)
        {
            if (!QemuMachineKinds.TryParse(asked, out _) || QemuRelease.MachineTypeVersion(asked) is not (int major, int minor))
            {
                throw new ArgumentException($"--machine {asked}: pc, q35, or a versioned pc-i440fx-X.Y or pc-q35-X.Y type");
            }

            if ((major, minor).CompareTo((target.Major, target.Minor)) > 0)
            {
                throw new ArgumentException($"--machine {asked}: QEMU {target.Version} has no machine types newer than its own");
            }

            return asked;
        }

        if (!QemuMachineKinds.TryParse(sourceMachine, out QemuMachineKind kind))
        {
            throw new VmStateLoadException($"The stream's machine type '{PrintableText.Escape(sourceMachine)}' is not a pc or q35 machine: name the target with --machine", 8);
        }

        return target.MachineType(kind);
    }
}
