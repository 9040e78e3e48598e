using System.Globalization;
using VmState.Wire;

namespace VmState.Analysis;

/// <summary>
/// QEMU's <c>analyze-migration.py -x</c>: the description, each RAM block as a file named after the block, and the
/// decoded state, written into a directory. Block files are sparse and bounded: the blocks a stream announces may
/// not add up to more than a limit (<see cref="DefaultMaxMemory"/> unless given), checked before any file grows. A
/// failed extraction removes every file and directory it made, so it leaves nothing half-written.
/// </summary>
public static class MigrationStreamExtractor
{
    /// <summary>The most RAM (all blocks together) extracted unless a limit is given: 16 GiB.</summary>
    public const long DefaultMaxMemory = 16L << 30;

    /// <summary>
    /// Writes desc.json, one file per RAM block and state.json (its tree built by <paramref name="rules"/>) into
    /// <paramref name="directory"/>.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is malformed, or claims more RAM than <paramref name="maxMemory"/>; nothing it wrote is left.</exception>
    public static void ExtractTo(byte[] stream, string directory, TextWriter output, long maxMemory = DefaultMaxMemory, AnalyzerRules rules = AnalyzerRules.FromStream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Extract(
            directory,
            output,
            maxMemory,
            () => MigrationStreamAnalyzer.Description(stream),
            (page, block) => MigrationStreamAnalyzer.State(stream, page, block, rules));
    }

    /// <summary>
    /// <see cref="ExtractTo(byte[], string, TextWriter, long, AnalyzerRules)"/> from a seekable stream (a file), read a frame at a
    /// time, so a stream of any size is extracted in bounded memory.
    /// </summary>
    /// <exception cref="VmStateLoadException">The stream is malformed, cannot seek, or claims more RAM than <paramref name="maxMemory"/>; nothing it wrote is left.</exception>
    public static void ExtractTo(Stream stream, string directory, TextWriter output, long maxMemory = DefaultMaxMemory, AnalyzerRules rules = AnalyzerRules.FromStream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.Position;
        Extract(
            directory,
            output,
            maxMemory,
            () => MigrationStreamAnalyzer.Description(stream),
            (page, block) =>
            {
                stream.Position = start;
                return MigrationStreamAnalyzer.State(stream, page, block, rules: rules);
            });
    }

    private static void Extract(
        string directory,
        TextWriter output,
        long maxMemory,
        Func<AnalysisObject> describe,
        Func<Action<string, long, ReadOnlySpan<byte>>, Action<string, long>, AnalysisObject> decode)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMemory);
        using var made = new MadeFiles(directory);
        made.CreateDirectory(made.Root);
        output.WriteLine("desc.json");
        made.WriteText("desc.json", describe().ToJson());
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        AnalysisObject state = decode(
            (block, offset, page) =>
            {
                if (!made.Blocks.TryGetValue(block, out FileStream? f) || offset < 0 || offset + page.Length > f.Length)
                {
                    throw new VmStateLoadException($"RAM page at 0x{offset:x} is outside block '{PrintableText.Escape(block)}'", -1);
                }

                f.Position = offset;
                f.Write(page);
            },
            (block, length) =>
            {
                // A frame read again announces its blocks again: the same length keeps the file and what is in it.
                if (lengths.TryGetValue(block, out long known) && known == length)
                {
                    return;
                }

                long claimed = lengths.Where(l => l.Key != block).Sum(l => l.Value);
                if (length < 0 || length > maxMemory - claimed)
                {
                    throw new VmStateLoadException(
                        string.Create(CultureInfo.InvariantCulture, $"RAM block '{PrintableText.Escape(block)}' of 0x{(ulong)length:x} bytes takes the stream's RAM past the 0x{maxMemory:x}-byte limit for extraction"),
                        -1);
                }

                lengths[block] = length;
                output.WriteLine(PrintableText.Escape(block));
                made.CreateBlock(block, length);
            });
        output.WriteLine("state.json");
        made.WriteText("state.json", state.ToJson());
        made.Keep();
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

    /// <summary>The files and directories one extraction made; disposed without <see cref="Keep"/>, it removes them.</summary>
    private sealed class MadeFiles(string directory) : IDisposable
    {
        private readonly List<string> _files = [];
        private readonly List<string> _directories = [];
        private bool _keep;

        public string Root { get; } = Path.GetFullPath(directory);

        public Dictionary<string, FileStream> Blocks { get; } = new(StringComparer.Ordinal);

        public void CreateDirectory(string path)
        {
            var missing = new Stack<string>();
            for (string? d = path; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
            {
                missing.Push(d);
            }

            foreach (string d in missing)
            {
                Directory.CreateDirectory(d);
                _directories.Add(d);
            }
        }

        public void WriteText(string name, string text)
        {
            string path = Path.Combine(Root, name);
            Remember(path);
            File.WriteAllText(path, text);
        }

        public void CreateBlock(string block, long length)
        {
            string path = BlockPath(Root, block);
            CreateDirectory(Path.GetDirectoryName(path)!);
            if (Blocks.Remove(block, out FileStream? old))
            {
                old.Dispose();
            }

            Remember(path);
            var f = new FileStream(path, FileMode.Create, FileAccess.Write);
            Blocks[block] = f;
            try
            {
                // Sparse, like the script's truncate(): pages the stream never sends stay zero.
                f.SetLength(length);
            }
            catch (Exception e) when (e is IOException or ArgumentOutOfRangeException)
            {
                throw new VmStateLoadException($"RAM block '{PrintableText.Escape(block)}' of 0x{(ulong)length:x} bytes cannot be extracted: {PrintableText.OneLine(e.Message)}", -1, e);
            }
        }

        public void Keep() => _keep = true;

        public void Dispose()
        {
            foreach (FileStream f in Blocks.Values)
            {
                f.Dispose();
            }

            if (_keep)
            {
                return;
            }

            foreach (string file in _files)
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Best effort: the error that ended the extraction is what the caller hears.
                }
            }

            for (int i = _directories.Count - 1; i >= 0; i--)
            {
                try
                {
                    if (!Directory.EnumerateFileSystemEntries(_directories[i]).Any())
                    {
                        Directory.Delete(_directories[i]);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // As above.
                }
            }
        }

        private void Remember(string path)
        {
            // A file that was there before is the user's: it is overwritten, as the script does, but not removed.
            if (!File.Exists(path) && !_files.Contains(path))
            {
                _files.Add(path);
            }
        }
    }
}
