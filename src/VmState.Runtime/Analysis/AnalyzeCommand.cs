namespace VmState.Analysis;

/// <summary>The <c>analyze</c> command: QEMU's <c>analyze-migration.py</c> over a stream file.</summary>
public static class AnalyzeCommand
{
    /// <summary>
    /// Prints <paramref name="dump"/> (<c>state</c> or <c>desc</c>) of <paramref name="file"/> to
    /// <paramref name="output"/>; with <paramref name="extractDir"/>, writes each RAM block there as a file named
    /// after the block (and <c>desc.json</c>, <c>state.json</c>), as the script's <c>-x</c> does.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream cannot be decoded.</exception>
    public static int Run(string file, string dump, string? extractDir, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        byte[] stream = File.ReadAllBytes(file);
        if (extractDir is not null)
        {
            Extract(stream, extractDir, output);
            return 0;
        }

        AnalysisNode result = dump switch
        {
            "state" => MigrationStreamAnalyzer.State(stream),
            "desc" => MigrationStreamAnalyzer.Description(stream),
            _ => throw new ArgumentException($"--dump takes 'state' or 'desc', not '{dump}'", nameof(dump)),
        };
        output.Write(result.ToJson());
        output.Write('\n');
        return 0;
    }

    /// <summary>Writes desc.json, one file per RAM block and state.json into <paramref name="directory"/>.</summary>
    public static void Extract(byte[] stream, string directory, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Directory.CreateDirectory(directory);
        output.WriteLine("desc.json");
        File.WriteAllText(Path.Combine(directory, "desc.json"), MigrationStreamAnalyzer.Description(stream).ToJson());
        var files = new Dictionary<string, FileStream>(StringComparer.Ordinal);
        try
        {
            AnalysisObject state = MigrationStreamAnalyzer.State(
                stream,
                (block, offset, page) =>
                {
                    if (!files.TryGetValue(block, out FileStream? f) || offset + page.Length > f.Length)
                    {
                        throw new VmStateLoadException($"RAM page at 0x{offset:x} is outside block '{block}'", -1);
                    }

                    f.Position = offset;
                    f.Write(page);
                },
                (block, length) =>
                {
                    output.WriteLine(block);
                    string path = BlockPath(directory, block);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    if (files.Remove(block, out FileStream? old))
                    {
                        old.Dispose();
                    }

                    var f = new FileStream(path, FileMode.Create, FileAccess.Write);
                    files[block] = f;
                    try
                    {
                        // Sparse, like the script's truncate(): pages the stream never sends stay zero.
                        f.SetLength(length);
                    }
                    catch (Exception e) when (e is IOException or ArgumentOutOfRangeException)
                    {
                        throw new VmStateLoadException($"RAM block '{block}' of 0x{(ulong)length:x} bytes cannot be extracted: {e.Message}", -1, e);
                    }
                });
            output.WriteLine("state.json");
            File.WriteAllText(Path.Combine(directory, "state.json"), state.ToJson());
        }
        finally
        {
            foreach (FileStream f in files.Values)
            {
                f.Dispose();
            }
        }
    }

    /// <summary>Where a block's file goes: its id as a relative path (a leading '/' dropped), kept inside the directory.</summary>
    public static string BlockPath(string directory, string block)
    {
        string root = Path.GetFullPath(directory);
        string path = Path.GetFullPath(Path.Combine(root, block.TrimStart('/')));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new VmStateLoadException($"RAM block id '{block}' would be written outside {root}", -1);
        }

        return path;
    }
}
