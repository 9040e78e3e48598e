using System.CommandLine;
using VmState.Analysis;
using VmState.Qemu.Releases;
using VmState.Schema;

namespace SampleMachine.Cli;

/// <summary>
/// <c>check OLD NEW</c>: QEMU 7.2's vmstate-static-checker.py over two -dump-vmstate files; with <c>--explain</c>, per
/// description, what <c>convert</c> does between them.
/// </summary>
internal static class CheckCommand
{
    public static Command Build()
    {
        var oldFile = new Argument<string>("old") { Description = "-dump-vmstate JSON of the migration source (the script's -s)" };
        var newFile = new Argument<string>("new") { Description = "-dump-vmstate JSON of the migration destination (the script's -d)" };
        var formerNames = new Option<bool>("--former-names")
        {
            Description = "Also forgive the field renames this machine's devices record with FormerName (QEMU's script knows only its own)",
        };
        var explain = new Option<bool>("--explain")
        {
            Description = "Instead, per description, what 'convert' does between the two dumps (releases from their machine types, or --releases)",
        };
        var releases = new Option<string?>("--releases") { Description = "With --explain: the two dumps' QEMU releases, e.g. 7.2,10.0 (default: their vmschkmachine versions)" };
        var command = new Command(
            "check",
            "Can OLD migrate to NEW? Prints what QEMU's vmstate-static-checker.py prints; the exit code is the number of errors (at most 255)")
        {
            oldFile,
            newFile,
            formerNames,
            explain,
            releases,
        };
        command.SetAction(parse => CommonOptions.Run(parse, () => parse.GetValue(explain)
            ? Explain(parse.GetValue(oldFile)!, parse.GetValue(newFile)!, parse.GetValue(releases), Console.Out)
            : Run(
            parse.GetValue(oldFile)!, parse.GetValue(newFile)!, Console.Out,
            parse.GetValue(formerNames) ? SchemaFieldRenames.FromDescriptions(CommandLine.KnownDevices) : null)));
        return command;
    }

    /// <summary>Checks the two files and prints the script's output; returns the script's exit code.</summary>
    public static int Run(string oldPath, string newPath, TextWriter output, SchemaFieldRenames? renames = null)
    {
        // Both files are read before anything is printed, as the script loads both before checking.
        DumpVmStateDocument source = DumpVmStateDocument.ReadFile(oldPath);
        DumpVmStateDocument destination = DumpVmStateDocument.ReadFile(newPath);
        SchemaCheckResult result = SchemaChecker.Check(source, destination, renames);
        output.Write(result.Output);
        return result.ExitCode;
    }

    /// <summary>
    /// <c>check --explain</c>: every description of OLD that converting a stream to NEW's release changes, with what
    /// convert does about each difference, then a count; exit code 0.
    /// </summary>
    public static int Explain(string oldPath, string newPath, string? releases, TextWriter output)
    {
        string oldText = File.ReadAllText(oldPath);
        string newText = File.ReadAllText(newPath);
        string[] named = releases?.Split(',') ?? [];
        if (releases is not null && named.Length != 2)
        {
            throw new ArgumentException($"--releases {releases}: two releases, such as 7.2,10.0");
        }

        DescriptionSet source = DescriptionSet.Parse(oldText, "?");
        DescriptionSet target = DescriptionSet.Parse(newText, "?");
        source = source.AsRelease(named.Length == 2 ? named[0] : ReleaseOf(source.Machine, oldPath));
        target = target.AsRelease(named.Length == 2 ? named[1] : ReleaseOf(target.Machine, newPath));
        QemuRelease? a = QemuRelease.Find(source.Release);
        QemuRelease? b = QemuRelease.Find(target.Release);

        // A known release's dump lacks the sections no device type lists; the library has them, as convert uses them.
        source = a?.Complete(source) ?? source;
        target = b?.Complete(target) ?? target;
        ReleaseMappings? mappings = a is not null && b is not null ? QemuReleaseMappings.Between(a, b) : null;
        ConversionPlan plan = ConversionPlan.Between(source, target, mappings);
        output.WriteLine($"convert from QEMU {source.Release} ({source.Machine}) to QEMU {target.Release} ({target.Machine}){(mappings is null ? ", no declared mappings" : "")}:");
        int same = 0, converted = 0, refused = 0;
        foreach ((DeviceConversion device, IReadOnlyList<string> types) in plan.Variants)
        {
            if (device.Identical)
            {
                same++;
                continue;
            }

            _ = device.Convertible ? converted++ : refused++;
            output.WriteLine(types.Count == 0 ? $"{device.Vmsd}:" : $"{device.Vmsd} ({string.Join(", ", types)}):");
            foreach (string line in device.Explain(source.Release, target.Release))
            {
                output.WriteLine("  " + line);
            }
        }

        output.WriteLine($"{same + converted + refused} descriptions: {same} the same, {converted} converted by the rules above, {refused} refused");
        return 0;
    }

    // "pc-i440fx-10.0" -> "10.0".
    private static string ReleaseOf(string machine, string path) =>
        QemuRelease.MachineTypeVersion(machine) is (int major, int minor)
            ? $"{major}.{minor}"
            : throw new ArgumentException($"{path}: its vmschkmachine '{machine}' names no version; give --releases");
}
