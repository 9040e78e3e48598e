using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// Snapshot files: a whole migration stream of a stopped machine. Saving is atomic (a temporary file next to the
/// target, flushed to disk, then renamed over it), so an interrupted save never damages the previous snapshot.
/// </summary>
public static class SnapshotFile
{
    /// <summary>Writes the registry's state to <paramref name="path"/>; returns the bytes written.</summary>
    public static long Save(string path, VmStateRegistry registry, MigrationStreamOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Environment.ProcessId + ".tmp");
        try
        {
            long written;
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                var output = new StreamBufferWriter(file);
                written = MigrationSaver.SaveSnapshot(registry, output, options);
                output.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
            return written;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Loads <paramref name="path"/> into the registry; on any failure nothing registered is changed.</summary>
    public static MigrationLoadResult Load(string path, VmStateRegistry registry, MigrationStreamOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] data = File.ReadAllBytes(path);
        return new MigrationLoader(registry, options).Load(data);
    }
}
