using System.Diagnostics;
using SampleMachine.Machine;

namespace SampleMachine.Tests;

/// <summary>A <c>save</c> ended by SIGTERM mid-write leaves no <c>.NAME.PID.tmp</c> next to its target.</summary>
public sealed class SnapshotSignalTests : IDisposable
{
    private const int SigTerm = 15;

    private readonly string _dir = Directory.CreateTempSubdirectory("vmstate-signal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_save_killed_with_sigterm_mid_write_leaves_no_temp_file()
    {
        string target = Path.Combine(_dir, "s.snap");
        string dll = typeof(VirtualMachine).Assembly.Location;
        // About 800 MiB of dirty RAM: the write takes seconds, far longer than seeing its temp file and signalling.
        using var save = Process.Start(new ProcessStartInfo("dotnet", ["exec", dll, "save", target, "--memory", "1G", "--steps", "400000"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            string temp = Path.Combine(_dir, $".s.snap.{save.Id}.tmp");
            var limit = Stopwatch.StartNew();
            while (!File.Exists(temp) && !save.HasExited && limit.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(2);
            }

            Assert.True(File.Exists(temp), "the save never started writing its temporary file");
            Assert.Equal(0, Kill(save.Id, SigTerm));
            Assert.True(save.WaitForExit(TimeSpan.FromMinutes(1)), "the save did not end on SIGTERM");

            Assert.False(File.Exists(target), "the save completed before the signal: the test saw nothing");
            Assert.Equal(128 + SigTerm, save.ExitCode);
            Assert.Empty(Directory.GetFileSystemEntries(_dir));
        }
        finally
        {
            if (!save.HasExited)
            {
                save.Kill();
            }
        }
    }

    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", $"{pid}"]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
