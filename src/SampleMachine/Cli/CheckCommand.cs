using System.CommandLine;
using VmState.Schema;

namespace SampleMachine.Cli;

/// <summary><c>check OLD NEW</c>: QEMU 7.2's vmstate-static-checker.py over two -dump-vmstate files.</summary>
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
        var command = new Command(
            "check",
            "Can OLD migrate to NEW? Prints what QEMU's vmstate-static-checker.py prints; the exit code is the number of errors (at most 255)")
        {
            oldFile,
            newFile,
            formerNames,
        };
        command.SetAction(parse => CommonOptions.Run(parse, () => Run(
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
}
