using VmState.Wire;

namespace VmState.Analysis;

/// <summary>
/// QEMU's <c>analyze-migration.py -x</c>: the description, each RAM block as a file named after the block, and the
/// decoded state, written into a directory.
/// </summary>
public static class MigrationStreamExtractor
{
    /// <summary>Writes desc.json, one file per RAM block and state.json into <paramref name="directory"/>.</summary>
    public static void ExtractTo(byte[] stream, string directory, TextWriter output)
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
                        throw new VmStateLoadException($"RAM page at 0x{offset:x} is outside block '{PrintableText.Escape(block)}'", -1);
                    }

                    f.Position = offset;
                    f.Write(page);
                },
                (block, length) =>
                {
                    output.WriteLine(PrintableText.Escape(block));
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
                        throw new VmStateLoadException($"RAM block '{PrintableText.Escape(block)}' of 0x{(ulong)length:x} bytes cannot be extracted: {e.Message}", -1, e);
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
            throw new VmStateLoadException($"RAM block id '{PrintableText.Escape(block)}' would be written outside {root}", -1);
        }

        return path;
    }
}
