using System.CommandLine;
using System.Globalization;
using VmState.Wire;
using VmState.Analysis;

namespace SampleMachine.Cli;

/// <summary>
/// <c>analyze FILE [--dump state|desc] [--extract DIR [--max-memory SIZE]] [--as-qemu 7.2|10.0]</c>: QEMU's
/// analyze-migration.py (7.2's or 10.0's, after the stream's writer), with no device code. The file is read as a stream, a frame at a time, never whole.
/// </summary>
internal static class AnalyzeCliCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "A migration stream (ours or QEMU's)" };
        var dump = new Option<string>("--dump", "-d") { Description = "What to print: state or desc", DefaultValueFactory = _ => "state" };
        dump.AcceptOnlyFromAmong("state", "desc");
        var extract = new Option<DirectoryInfo?>("--extract", "-x") { Description = "Write each RAM block (and desc.json, state.json) into this directory" };
        var maxMemory = new Option<string>("--max-memory")
        {
            Description = "With --extract: the most RAM (all blocks together) the stream may claim before block files are made (K/M/G/T suffixes)",
            DefaultValueFactory = _ => (MigrationStreamExtractor.DefaultMaxMemory >> 30).ToString(System.Globalization.CultureInfo.InvariantCulture) + "G",
        };
        var frames = new Option<bool>("--frames") { Description = "List every frame instead (commands, postcopy's too, sections with their sizes, RAM record counts), one line each" };
        var desc = new Option<FileInfo?>("--desc") { Description = "With --frames: walk device sections by this stream's VMDESCRIPTION (or this JSON file); a postcopy stream has none of its own" };
        var asQemu = new Option<string>("--as-qemu")
        {
            Description = "Build the state tree as this QEMU release's analyze-migration.py does (7.2 or 10.0); by default, as the script of the release that wrote the stream",
            DefaultValueFactory = _ => "auto",
        };
        asQemu.AcceptOnlyFromAmong("auto", "7.2", "10.0");
        var returnPath = new Option<FileInfo?>("--return-path") { Description = "With --frames: also list this recording of the return path (the destination-to-source bytes)" };
        var command = new Command("analyze", "Decode a stream from its own VMDESCRIPTION, as QEMU's analyze-migration.py prints it") { file, dump, extract, maxMemory, frames, desc, returnPath, asQemu };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            long limit = CommonOptions.Size(parse, maxMemory, 1, long.MaxValue);
            using TextWriter stdout = Ui.OpenBulkOutput();
            if (parse.GetValue(frames))
            {
                return ListFrames(parse.GetValue(file)!.FullName, parse.GetValue(desc)?.FullName, parse.GetValue(returnPath)?.FullName, stdout);
            }

            return Run(parse.GetValue(file)!.FullName, parse.GetValue(dump)!, parse.GetValue(extract)?.FullName, stdout, limit, Rules(parse.GetValue(asQemu)!));
        }));
        return command;
    }

    /// <summary><c>analyze --frames</c>: one line per frame of <paramref name="file"/>, then per return-path message.</summary>
    internal static int ListFrames(string file, string? descFile, string? returnPathFile, TextWriter output)
    {
        AnalysisObject? description = descFile is null ? null : MigrationStreamAnalyzer.DescriptionFrom(File.ReadAllBytes(descFile));
        using (FileStream stream = OpenFile(file))
        {
            output.Write($"== {file}: {stream.Length} bytes\n");
            foreach (MigrationFrame frame in MigrationStreamAnalyzer.Frames(stream, description))
            {
                output.Write(string.Create(CultureInfo.InvariantCulture, $"{frame.Offset,9}  {(frame.InPackage ? "    " : "")}{frame.Text}\n"));
            }
        }

        if (returnPathFile is not null)
        {
            byte[] recording = File.ReadAllBytes(returnPathFile);
            output.Write($"== {returnPathFile}: {recording.Length} bytes\n");
            foreach ((long offset, ReturnPathMessage message) in MigrationStreamAnalyzer.ReturnPath(recording))
            {
                output.Write(string.Create(CultureInfo.InvariantCulture, $"{offset,9}  {message.Describe()}\n"));
            }
        }

        return 0;
    }

    /// <summary>Prints the state or desc dump of <paramref name="file"/>, or extracts it into <paramref name="extractDir"/>.</summary>
    internal static int Run(string file, string dump, string? extractDir, TextWriter output, long maxMemory = MigrationStreamExtractor.DefaultMaxMemory, AnalyzerRules rules = AnalyzerRules.FromStream)
    {
        using FileStream stream = OpenFile(file);
        if (extractDir is not null)
        {
            MigrationStreamExtractor.ExtractTo(stream, extractDir, output, maxMemory, rules);
            return 0;
        }

        // The whole tree is decoded before a byte is printed, as the script does: a damaged stream prints only the error.
        AnalysisNode result = dump == "desc" ? MigrationStreamAnalyzer.Description(stream) : MigrationStreamAnalyzer.State(stream, rules: rules);
        result.WriteJson(output);
        output.Write('\n');
        return 0;
    }

    /// <summary>The rules <c>--as-qemu</c> names.</summary>
    internal static AnalyzerRules Rules(string release) => release switch
    {
        "7.2" => AnalyzerRules.Qemu72,
        "10.0" => AnalyzerRules.Qemu10,
        _ => AnalyzerRules.FromStream,
    };

    /// <summary>Opens a regular file for reading; devices and pipes are refused, since the description is read from the end.</summary>
    internal static FileStream OpenFile(string file)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new VmState.Wire.VmStateLoadException($"{file} is not a regular file (a device or pipe cannot be analyzed: its VMDESCRIPTION is read from its end)", 0);
        }

        return stream;
    }
}
