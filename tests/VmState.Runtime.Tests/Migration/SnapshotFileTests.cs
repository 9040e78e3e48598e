using VmState.Description;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Runtime.Tests.Migration;

/// <summary>
/// A device saved after RAM whose pre-save hook runs a test's callback: it can refuse the save (false), throw like a
/// failing disk, or look at the snapshot's folder while the save is under way.
/// </summary>
[VmState("late-dev")]
public partial class LateDev
{
    [VmStateField("x")] public uint X;

    public Func<bool>? OnPreSave;

    [PreSave]
    private bool BeforeSave() => OnPreSave?.Invoke() ?? true;
}

/// <summary><see cref="SnapshotFile.Save"/> is atomic: a failed save leaves the previous snapshot as it was, and no temporary file.</summary>
public sealed class SnapshotFileTests : IDisposable
{
    private const long RamBytes = 4L << 20; // several times the writer's 1 MiB buffer, so a late failure happens with bytes on disk

    private readonly string _dir = Directory.CreateTempSubdirectory("vmstate-snapshot-").FullName;
    private readonly RamBlock _ram = new("pc.ram", RamBytes);
    private readonly VmStateRegistry _registry = new();
    private readonly MigDev _dev = new() { A = 1 };
    private readonly LateDev _late = new() { X = 2 };

    public SnapshotFileTests()
    {
        _registry.RegisterLive(RamSection.IdStr, new RamSection([_ram]), RamSection.SectionVersion);
        _registry.Register(_dev);
        _registry.Register(_late);
        Fill(seed: 1);
    }

    private string File1 => Path.Combine(_dir, "machine.snap");

    [Fact]
    public void A_successful_save_replaces_the_file_and_leaves_only_it()
    {
        SnapshotFile.Save(File1, _registry);
        byte[] first = File.ReadAllBytes(File1);
        Fill(seed: 2);
        _dev.A = 3;

        long written = SnapshotFile.Save(File1, _registry);

        byte[] second = File.ReadAllBytes(File1);
        Assert.Equal(written, second.Length);
        Assert.NotEqual(first, second);
        Assert.Equal(["machine.snap"], FilesInDir());
    }

    [Fact]
    public void A_save_refused_by_a_device_after_ram_was_written_keeps_the_previous_file_and_no_temp_file()
    {
        SnapshotFile.Save(File1, _registry);
        byte[] previous = File.ReadAllBytes(File1);

        // Change everything, then fail the save at the last device, once RAM is on its way to the disk.
        Fill(seed: 2);
        _dev.A = 3;
        _late.X = 4;
        long tempBytesAtFailure = -1;
        string[] filesAtFailure = [];
        _late.OnPreSave = () =>
        {
            filesAtFailure = FilesInDir();
            string? temp = Directory.GetFiles(_dir).FirstOrDefault(f => !f.EndsWith("machine.snap", StringComparison.Ordinal));
            tempBytesAtFailure = temp is null ? -1 : new FileInfo(temp).Length;
            return false;
        };

        VmStateSaveException e = Assert.Throws<VmStateSaveException>(() => SnapshotFile.Save(File1, _registry));

        Assert.Contains("late-dev", e.Message, StringComparison.Ordinal);
        // The failure really came mid-write: a temporary file next to the snapshot held more than a buffer's worth.
        Assert.Equal(2, filesAtFailure.Length);
        Assert.Contains("machine.snap", filesAtFailure);
        Assert.True(tempBytesAtFailure >= 1 << 20, $"temporary file had {tempBytesAtFailure} bytes when the device failed");
        // And the previous snapshot is untouched, the temporary file gone.
        Assert.Equal(previous, File.ReadAllBytes(File1));
        Assert.Equal(["machine.snap"], FilesInDir());
    }

    [Fact]
    public void A_save_whose_write_throws_midway_keeps_the_previous_file_and_no_temp_file()
    {
        SnapshotFile.Save(File1, _registry);
        byte[] previous = File.ReadAllBytes(File1);
        Fill(seed: 3);
        _late.OnPreSave = () => throw new IOException("disk full (simulated)");

        Exception e = Assert.ThrowsAny<Exception>(() => SnapshotFile.Save(File1, _registry));

        Assert.Contains("disk full (simulated)", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(previous, File.ReadAllBytes(File1));
        Assert.Equal(["machine.snap"], FilesInDir());

        // The next save works and replaces the file.
        _late.OnPreSave = null;
        SnapshotFile.Save(File1, _registry);
        Assert.NotEqual(previous, File.ReadAllBytes(File1));
        Assert.Equal(["machine.snap"], FilesInDir());
    }

    [Fact]
    public void A_save_blocked_by_an_unmigratable_device_keeps_the_previous_file_and_no_temp_file()
    {
        SnapshotFile.Save(File1, _registry);
        byte[] previous = File.ReadAllBytes(File1);
        Fill(seed: 4);
        _registry.Register(new Blocker());

        VmStateSaveException e = Assert.Throws<VmStateSaveException>(() => SnapshotFile.Save(File1, _registry));

        Assert.Contains("'blocker'", e.Message, StringComparison.Ordinal);
        Assert.Equal(previous, File.ReadAllBytes(File1));
        Assert.Equal(["machine.snap"], FilesInDir());
    }

    [Fact]
    public void A_failed_first_save_creates_no_file_at_all()
    {
        _late.OnPreSave = () => false;

        Assert.Throws<VmStateSaveException>(() => SnapshotFile.Save(File1, _registry));

        Assert.Empty(FilesInDir());
    }

    [Fact]
    public void A_save_removes_the_stale_temp_files_of_its_target_whose_process_is_gone_and_nothing_else()
    {
        int dead = DeadPid();
        string Stale(string name) => Path.Combine(_dir, name);
        string[] mine = [$".machine.snap.{dead}.tmp"];
        string[] kept =
        [
            ".machine.snap.1.tmp",                 // pid 1 is alive
            $".machine.snap2.{dead}.tmp",          // another target
            $".machine.snap.{dead}x.tmp",          // not a pid
            $".machine.snap.{dead}.tmp.bak",       // not the pattern
            $"machine.snap.{dead}.tmp",            // not a dot file
            ".machine.snap..tmp",
        ];
        foreach (string name in mine.Concat(kept))
        {
            File.WriteAllText(Stale(name), "partial");
        }

        SnapshotFile.Save(File1, _registry);

        Assert.Equal(kept.Append("machine.snap").Order(StringComparer.Ordinal), FilesInDir());
    }

    [Fact]
    public void Abandoning_a_save_under_way_deletes_its_temp_file_and_keeps_the_previous_snapshot()
    {
        SnapshotFile.Save(File1, _registry);
        byte[] previous = File.ReadAllBytes(File1);
        Fill(seed: 5);
        string[] filesWhileSaving = [];
        _late.OnPreSave = () =>
        {
            // What a SIGTERM handler does while the main thread is mid-write.
            filesWhileSaving = FilesInDir();
            SnapshotFile.AbandonPendingSaves();
            return true;
        };

        Assert.ThrowsAny<IOException>(() => SnapshotFile.Save(File1, _registry));

        Assert.Equal(2, filesWhileSaving.Length);
        Assert.Equal(previous, File.ReadAllBytes(File1));
        Assert.Equal(["machine.snap"], FilesInDir());
    }

    // The pid of a process that has exited (and been reaped), so no live process has it for the moment.
    private static int DeadPid()
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    public void Dispose()
    {
        _ram.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string[] FilesInDir() => Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private void Fill(int seed)
    {
        var rng = new Random(seed);
        byte[] page = new byte[RamBlock.PageSize];
        for (long p = 0; p < _ram.PageCount; p++)
        {
            rng.NextBytes(page);
            _ram.Write(p * RamBlock.PageSize, page);
        }
    }
}
