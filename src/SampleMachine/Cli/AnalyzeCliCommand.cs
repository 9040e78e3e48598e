using System.CommandLine;
using VmState.Analysis;

namespace SampleMachine.Cli;

/// <summary><c>analyze FILE [--dump state|desc] [--extract DIR]</c>: QEMU's analyze-migration.py, with no device code.</summary>
internal static class AnalyzeCliCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "A migration stream (ours or QEMU's)" };
        var dump = new Option<string>("--dump", "-d") { Description = "What to print: state or desc", DefaultValueFactory = _ => "state" };
        dump.AcceptOnlyFromAmong("state", "desc");
        var extract = new Option<DirectoryInfo?>("--extract", "-x") { Description = "Write each RAM block (and desc.json, state.json) into this directory" };
        var command = new Command("analyze", "Decode a stream from its own VMDESCRIPTION, as QEMU's analyze-migration.py prints it") { file, dump, extract };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
            Run(parse.GetValue(file)!.FullName, parse.GetValue(dump)!, parse.GetValue(extract)?.FullName, Console.Out)));
        return command;
    }

    /// <summary>Prints the state or desc dump of <paramref name="file"/>, or extracts it into <paramref name="extractDir"/>.</summary>
    internal static int Run(string file, string dump, string? extractDir, TextWriter output)
    {
        byte[] stream = File.ReadAllBytes(file);
        if (extractDir is not null)
        {
            MigrationStreamExtractor.ExtractTo(stream, extractDir, output);
            return 0;
        }

        AnalysisNode result = dump == "desc" ? MigrationStreamAnalyzer.Description(stream) : MigrationStreamAnalyzer.State(stream);
        output.Write(result.ToJson());
        output.Write('\n');
        return 0;
    }
}
