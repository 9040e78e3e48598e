using System.Net;
using SampleMachine.Machine;
using SampleMachine.Migration;
using VmState.Qemu.E1000;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>End to end: snapshots and live migration of a machine whose guest keeps running.</summary>
public sealed class LiveMigrationTests
{
    private const long SmallMemory = 4L << 20;

    [Fact]
    public void Snapshot_round_trip_of_a_running_machine()
    {
        using var source = new VirtualMachine(SmallMemory);
        using var guest = new GuestWorkload(source, seed: 7, dirtyPagesPerSecond: 0);
        guest.Step(5000);
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-test-{Guid.NewGuid():N}.vmsnap");
        try
        {
            source.SaveSnapshot(file);
            using var restored = new VirtualMachine(SmallMemory);
            Assert.NotEqual(source.StateHash(), restored.StateHash());
            restored.LoadSnapshot(file);
            Assert.Equal(source.StateHash(), restored.StateHash());
            Assert.Equal(source.Nic.MacReg[E1000Registers.Gptc], restored.Nic.MacReg[E1000Registers.Gptc]);
            Assert.True(source.Nic.MacReg[E1000Registers.Gptc] > 0);
            AssertSameDevices(source, restored);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Snapshot_save_is_atomic_and_a_bad_file_leaves_the_machine_unchanged()
    {
        using var source = new VirtualMachine(SmallMemory);
        using var guest = new GuestWorkload(source, seed: 3, dirtyPagesPerSecond: 0);
        guest.Step(100);
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-test-{Guid.NewGuid():N}.vmsnap");
        try
        {
            source.SaveSnapshot(file);
            byte[] good = File.ReadAllBytes(file);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, "." + Path.GetFileName(file) + "*"));

            // A truncated copy: the load fails and changes nothing.
            using var target = new VirtualMachine(SmallMemory);
            using var other = new GuestWorkload(target, seed: 99, dirtyPagesPerSecond: 0);
            other.Step(100);
            string before = target.StateHash();
            File.WriteAllBytes(file, good[..(good.Length / 2)]);
            Assert.Throws<VmStateLoadException>(() => target.LoadSnapshot(file));
            Assert.Equal(before, target.StateHash());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Live_migration_with_the_guest_running_ends_with_equal_state()
    {
        using var source = new VirtualMachine(16L << 20);
        using var guest = new GuestWorkload(source, seed: 11, dirtyPagesPerSecond: 20_000);
        guest.Resume();
        Thread.Sleep(200);
        using var target = new VirtualMachine(16L << 20);
        using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0));
        var incoming = Task.Run(() => destination.Accept(target));

        MigrationStats stats = new MigrationSource(source, guest, new MigrationParameters()).Migrate("127.0.0.1", destination.LocalEndpoint.Port);
        (_, string destinationHash) = await incoming;

        Assert.True(stats.Completed, stats.FailureReason);
        Assert.Equal(stats.SourceHash, destinationHash);
        Assert.Equal(source.StateHash(), target.StateHash());
        Assert.False(guest.IsRunning); // the source stays stopped after handing over
        AssertSameDevices(source, target);
        Assert.True(stats.Transferred > 0);
        Assert.True(stats.Iterations >= 1);
    }

    // Equal state hashes only show that the serializer round-trips: compare every described member of the NIC,
    // the CPU and cpu_common by reflection as well, independently of the generated code, after checking that the
    // guest has run long enough for their state to differ from a fresh machine's.
    private static void AssertSameDevices(VirtualMachine source, VirtualMachine destination)
    {
        using (var fresh = new VirtualMachine(1L << 20))
        {
            ReflectionComparison changed = ReflectionComparer.CompareDevices(fresh, source);
            Assert.True(changed.Differences.Count >= 10, "the guest left the devices nearly as reset:\n" + changed);
            Assert.Contains(changed.Differences, d => d.StartsWith("cpu.", StringComparison.Ordinal));
            Assert.Contains(changed.Differences, d => d.StartsWith(VirtualMachine.NicPath + "/e1000.", StringComparison.Ordinal));
        }

        ReflectionComparison result = ReflectionComparer.CompareDevices(source, destination);
        Assert.True(result.Differences.Count == 0, result.ToString());
        Assert.Equal(3, result.Devices);
        Assert.True(result.Members >= ReflectionComparerTests.MinimumMembers, $"{result.Members} members");
        Assert.True(result.Values >= ReflectionComparerTests.MinimumValues, $"{result.Values} values");
    }

    [Fact]
    public async Task A_migration_that_cannot_converge_gives_up_and_the_source_keeps_running()
    {
        using var source = new VirtualMachine(SmallMemory);
        source.FillRandom(5, 1.0); // every page has data, so each pass takes a while at the limited bandwidth
        using var guest = new GuestWorkload(source, seed: 5, dirtyPagesPerSecond: 50_000);
        guest.Resume();
        using var target = new VirtualMachine(SmallMemory);
        string targetBefore = target.StateHash();
        using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0));
        var incoming = Task.Run(() => destination.Accept(target));
        var parameters = new MigrationParameters { Bandwidth = 2 << 20, DowntimeLimitMs = 5, MaxIterations = 3, ChunkBytes = 64 << 10 };

        MigrationStats stats = new MigrationSource(source, guest, parameters).Migrate("127.0.0.1", destination.LocalEndpoint.Port);

        Assert.False(stats.Completed);
        Assert.Contains("did not converge after 3 iterations", stats.FailureReason, StringComparison.Ordinal);
        Assert.Equal(3, stats.Iterations);
        var e = await Assert.ThrowsAsync<VmStateLoadException>(() => incoming);
        Assert.True(e.IsEndOfInput);
        Assert.Equal(targetBefore, target.StateHash());

        // The source still runs, and its state is still consistent: it saves and restores.
        Assert.True(guest.IsRunning);
        long written = guest.PagesWritten;
        SpinWait.SpinUntil(() => guest.PagesWritten > written, 2000);
        Assert.True(guest.PagesWritten > written);
        guest.Pause();
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-test-{Guid.NewGuid():N}.vmsnap");
        try
        {
            source.SaveSnapshot(file);
            using var restored = new VirtualMachine(SmallMemory);
            restored.LoadSnapshot(file);
            Assert.Equal(source.StateHash(), restored.StateHash());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Auto_converge_throttles_the_guest_until_it_converges()
    {
        using var source = new VirtualMachine(SmallMemory);
        source.FillRandom(5, 1.0); // every page has data, so each pass takes a while at the limited bandwidth
        using var guest = new GuestWorkload(source, seed: 5, dirtyPagesPerSecond: 50_000);
        guest.Resume();
        using var target = new VirtualMachine(SmallMemory);
        using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0));
        var incoming = Task.Run(() => destination.Accept(target));
        var parameters = new MigrationParameters
        {
            Bandwidth = 8 << 20,
            DowntimeLimitMs = 50,
            MaxIterations = 3,
            AutoConverge = true,
            ThrottleIncrement = 0.25,
            ChunkBytes = 64 << 10,
        };

        MigrationStats stats = new MigrationSource(source, guest, parameters).Migrate("127.0.0.1", destination.LocalEndpoint.Port);
        (_, string destinationHash) = await incoming;

        Assert.True(stats.Completed, stats.FailureReason);
        Assert.True(stats.Iterations > 1);
        Assert.Contains(stats.History, h => h.Throttle > 0);
        Assert.Equal(stats.SourceHash, destinationHash);
        Assert.Equal(0, guest.Throttle); // released afterwards
    }
}
