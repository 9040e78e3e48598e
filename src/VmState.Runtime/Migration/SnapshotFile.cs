using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// Snapshot files: a whole migration stream of a stopped machine. Saving is atomic (a temporary file
/// <c>.NAME.PID.tmp</c> next to the target, flushed to disk, then renamed over it), so an interrupted save never
/// damages the previous snapshot. A save killed before its rename leaves its temporary file behind: the next save of
/// the same target removes those whose process is gone, and <see cref="AbandonPendingSaves"/> lets a signal handler
/// remove the ones of this process before it dies.
/// </summary>
public static class SnapshotFile
{
    // Temporary files of the saves under way in this process, for AbandonPendingSaves.
    private static readonly ConcurrentDictionary<string, byte> Pending = new(StringComparer.Ordinal);

    /// <summary>Writes the registry's state to <paramref name="path"/>; returns the bytes written.</summary>
    public static long Save(string path, VmStateRegistry registry, MigrationStreamOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        RemoveStaleTemporaryFiles(directory, name);
        string temp = Path.Combine(directory, TemporaryName(name, Environment.ProcessId));
        Pending[temp] = 0;
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
        finally
        {
            Pending.TryRemove(temp, out _);
        }
    }

    /// <summary>
    /// Deletes the temporary files of the saves under way in this process, which then fail (their snapshots stay as
    /// they were). For a SIGTERM/SIGINT handler that lets the process die next, so that no <c>.NAME.PID.tmp</c> is
    /// left behind; safe to call from any thread, at any time.
    /// </summary>
    public static void AbandonPendingSaves()
    {
        foreach (string temp in Pending.Keys)
        {
            TryDelete(temp);
        }
    }

    /// <summary>The temporary file name of a save of <paramref name="name"/> by process <paramref name="pid"/>.</summary>
    internal static string TemporaryName(string name, int pid) =>
        "." + name + "." + pid.ToString(CultureInfo.InvariantCulture) + ".tmp";

    // Only files named exactly .NAME.PID.tmp of this target, whose process is gone. Our own pid is left alone: a
    // file of it (a crashed process that had our pid, or a concurrent save of ours) is replaced by this save's own.
    private static void RemoveStaleTemporaryFiles(string directory, string name)
    {
        string prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try
        {
            // No search pattern: the name may hold '*' or '?', which a pattern would read as wildcards. Dot files
            // count as hidden on Unix, so nothing is skipped by attribute.
            candidates = Directory.EnumerateFiles(directory, "*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string file in candidates)
        {
            string fileName = Path.GetFileName(file);
            if (fileName.Length <= prefix.Length + 4 || !fileName.StartsWith(prefix, StringComparison.Ordinal) || !fileName.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            ReadOnlySpan<char> digits = fileName.AsSpan(prefix.Length, fileName.Length - prefix.Length - 4);
            if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9')
                || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0
                || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            TryDelete(file);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Cannot tell: keep the file.
            return true;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: what cannot be removed now is tried again by the next save.
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> into the registry, reading it as a stream (a frame at a time, so memory is bounded
    /// by the largest frame, not the file); on any failure nothing registered is changed.
    /// </summary>
    public static MigrationLoadResult Load(string path, VmStateRegistry registry, MigrationStreamOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        return new MigrationLoader(registry, options).Load(file);
    }
}
