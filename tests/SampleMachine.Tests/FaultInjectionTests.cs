using System.Diagnostics;
using System.Net;
using System.Text;
using SampleMachine.Machine;
using SampleMachine.Migration;
using VmState.Migration;

namespace SampleMachine.Tests;

/// <summary>
/// The fault-injection matrix of issue 12: a <c>migrate</c> process and an <c>incoming</c> process with a
/// <see cref="FaultProxy"/> between them; one fault (a process killed, the link cut or stalled) at one point of the
/// stream per row. Every row checks that the guest is not lost (the source keeps it, says its hash and saves it, or the
/// destination has it with the same hash) and that a later migration completes. The guest writes nothing (dirty rate 0)
/// and its RAM is all random, so its stream and hash are known before the processes start and the byte points are exact.
/// </summary>
public sealed class FaultInjectionTests
{
    private const string Waiting = "waiting for a migration on ";
    private const string StateLine = "state sha256: ";
    private static readonly string[] Guest = ["--memory", "16M", "--fill", "1", "--dirty-rate", "0", "--warmup", "0", "--seed", "1"];
    private static readonly Lazy<KnownStream> Known = new(KnownStream.Measure);

    public enum Fault
    {
        KillDestination,
        Cut,
        Stall,
        KillSource,
    }

    public enum Point
    {
        /// <summary>In the header and configuration (byte 20).</summary>
        Header,

        /// <summary>A quarter into RAM (4 MiB): 12 MiB still to come, more than the source's socket holds.</summary>
        MidRam,

        /// <summary>In the device sections after RAM: the source has sent everything and waits for LOADED.</summary>
        Devices,

        /// <summary>All bytes forwarded; the destination's reply (its first byte) held back from the source.</summary>
        Reply,

        /// <summary>The reply's LOADED line forwarded, its HASH line not.</summary>
        AfterLoaded,
    }

    public static TheoryData<Fault, Point> Rows => new()
    {
        { Fault.KillDestination, Point.Header },
        { Fault.KillDestination, Point.MidRam },
        { Fault.KillDestination, Point.Devices },
        { Fault.KillDestination, Point.Reply },
        { Fault.Cut, Point.Header },
        { Fault.Cut, Point.MidRam },
        { Fault.Cut, Point.Devices },
        { Fault.Cut, Point.Reply },
        { Fault.Cut, Point.AfterLoaded },
        { Fault.Stall, Point.Header },
        { Fault.Stall, Point.MidRam },
        { Fault.Stall, Point.Devices },
        { Fault.Stall, Point.Reply },
        { Fault.KillSource, Point.MidRam },
        { Fault.KillSource, Point.Devices },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_fault_loses_no_guest_and_a_later_migration_completes(Fault fault, Point point)
    {
        KnownStream known = Known.Value;
        using var destination = Child.Start("incoming", "--listen", "127.0.0.1:0", "--memory", "16M", "--idle-timeout", "1");
        int destinationPort = await destination.ListeningPort();

        // A destination killed is replaced by one in this process for the retry or the next migration.
        using var spare = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0)) { IdleTimeout = TimeSpan.FromSeconds(30) };
        using var spareMachine = new VirtualMachine(16L << 20);
        Task<(MigrationLoadResult Result, string Hash)>? spareAccept = fault == Fault.KillDestination ? Task.Run(() => spare.Accept(spareMachine)) : null;
        IPEndPoint first = new(IPAddress.Loopback, destinationPort);
        IPEndPoint later = spareAccept is null ? first : spare.LocalEndpoint;
        using var proxy = new FaultProxy(n => n == 0 ? first : later, n => n == 0 ? FaultAt(fault, point, known) : LinkFault.None);

        string snapshot = Path.Combine(Path.GetTempPath(), $"vmstate-fault-{Guid.NewGuid():N}.vmsnap");

        // One in-doubt row names no file: the source saves the guest into its working directory all the same.
        bool defaultSave = fault == Fault.Cut && point == Point.Devices;
        string workDir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"vmstate-fault-cwd-{Guid.NewGuid():N}")).FullName;
        try
        {
            string[] save = defaultSave ? [] : ["--save-on-failure", snapshot];
            using var source = Child.StartIn(workDir, ["migrate", "--to", "127.0.0.1:" + proxy.Port, .. Guest, "--retry", "1", "--idle-timeout", "2", .. save]);
            await proxy.Reached.WaitAsync(TimeSpan.FromSeconds(60));
            if (fault == Fault.KillDestination)
            {
                await destination.Kill();
            }

            if (fault == Fault.KillSource)
            {
                await source.Kill();
                proxy.Release();
                await AssertSourceKilled(point, destination, proxy, known);
                return;
            }

            (int rc, string output, string errors) = await source.Exit();
            string said = $"rc {rc}; stdout: {output}; stderr: {errors}; destination: {destination.Errors}";
            bool preSwitchover = point is Point.Header or Point.MidRam;
            if (preSwitchover)
            {
                // Before the switchover the guest is the source's, still running: the retry takes it over.
                Assert.True(rc == 0, said);
                Assert.Contains("migration attempt 1 failed", errors, StringComparison.Ordinal);
                Assert.Contains(StateLine + known.Hash, output, StringComparison.Ordinal);
                Assert.False(File.Exists(snapshot), "the source saved a guest it handed over");
                string taken = spareAccept is null ? await destination.CompletedHash() : (await spareAccept.WaitAsync(TimeSpan.FromSeconds(60))).Hash;
                Assert.Equal(known.Hash, taken);
                if (fault is Fault.Cut or Fault.Stall)
                {
                    Assert.Contains("rejected a connection", destination.Errors, StringComparison.Ordinal);
                }

                return;
            }

            if (point == Point.AfterLoaded)
            {
                // LOADED arrived: the guest is the destination's; only its hash line was lost on the way.
                Assert.True(rc == 4, said);
                Assert.Contains("took over the guest (LOADED) but its state hash did not arrive", errors, StringComparison.Ordinal);
                Assert.Contains(StateLine + known.Hash, output, StringComparison.Ordinal);
                Assert.Equal(known.Hash, await destination.CompletedHash());
                Assert.False(File.Exists(snapshot), "the source saved a guest it handed over");
                return;
            }

            // The whole state went out and no LOADED came back: in doubt. The source keeps the guest paused, saves
            // it, says its hash and does not try again (the destination may run it already).
            Assert.True(rc == 4, said);
            Assert.Contains("migration attempt 1 in doubt", errors, StringComparison.Ordinal);
            Assert.DoesNotContain("attempt 2", errors, StringComparison.Ordinal);
            Assert.Contains(StateLine + known.Hash, output, StringComparison.Ordinal);
            if (defaultSave)
            {
                snapshot = Assert.Single(Directory.GetFiles(workDir, "vmstate-in-doubt-*.snap"));
                Assert.Contains("saved the guest", output, StringComparison.Ordinal);
                Assert.Contains(snapshot, output, StringComparison.Ordinal);
            }

            using var saved = new VirtualMachine(16L << 20);
            saved.LoadSnapshot(snapshot);
            Assert.Equal(known.Hash, saved.StateHash());

            if (point == Point.Reply && fault != Fault.KillDestination)
            {
                // The destination loaded everything and owns the guest: it says so, with the same hash.
                Assert.Equal(known.Hash, await destination.CompletedHash());
                return;
            }

            // Nobody runs the guest: the saved one migrates to a destination that rolled back (or the spare).
            if (fault != Fault.KillDestination)
            {
                await destination.WaitForError("rejected a connection");
            }

            Assert.Equal(known.Hash, MigrateInProcess(saved, proxy.Port));
            string next = spareAccept is null ? await destination.CompletedHash() : (await spareAccept.WaitAsync(TimeSpan.FromSeconds(60))).Hash;
            Assert.Equal(known.Hash, next);
        }
        finally
        {
            File.Delete(snapshot);
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_destination_that_refuses_the_whole_state_says_FAILED_and_the_source_keeps_its_guest_running()
    {
        // The NIC sits at another PCI address there: its section, after RAM, is unknown, and the load rolls back.
        using var elsewhere = new VirtualMachine(2L << 20, nicPath: "0000:00:04.0");
        string before = elsewhere.StateHash();
        using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0)) { IdleTimeout = TimeSpan.FromSeconds(30) };
        Task accept = Task.Run(() => destination.Accept(elsewhere));
        using var machine = new VirtualMachine(2L << 20);
        using var guest = new GuestWorkload(machine, seed: 3, dirtyPagesPerSecond: 100);
        guest.Resume();

        var source = new MigrationSource(machine, guest, new MigrationParameters()) { IdleTimeout = TimeSpan.FromSeconds(30) };
        var e = Assert.Throws<IOException>(() => source.Migrate("127.0.0.1", destination.LocalEndpoint.Port));
        await Assert.ThrowsAsync<VmState.Wire.VmStateLoadException>(() => accept.WaitAsync(TimeSpan.FromSeconds(60)));

        // Not in doubt: the destination said it has nothing, so the guest runs on here.
        Assert.IsNotType<MigrationInDoubtException>(e);
        Assert.Contains("The destination did not load the state", e.Message, StringComparison.Ordinal);
        Assert.True(guest.IsRunning);
        Assert.Equal(before, elsewhere.StateHash());
    }

    private static async Task AssertSourceKilled(Point point, Child destination, FaultProxy proxy, KnownStream known)
    {
        if (point == Point.Devices)
        {
            // Every byte had left the source before it died: the destination loads all of it and owns the guest.
            Assert.Equal(known.Hash, await destination.CompletedHash());
            return;
        }

        // Cut short: the destination rolls back, says so, and takes the next migration, from a fresh source.
        await destination.WaitForError("rejected a connection");
        using var fresh = KnownStream.NewGuest();
        Assert.Equal(known.Hash, MigrateInProcess(fresh, proxy.Port));
        Assert.Equal(known.Hash, await destination.CompletedHash());
    }

    private static LinkFault FaultAt(Fault fault, Point point, KnownStream known)
    {
        FaultKind kind = fault switch
        {
            Fault.Cut => FaultKind.Cut,
            Fault.Stall => FaultKind.Stall,
            _ => FaultKind.Hold,
        };
        return point switch
        {
            Point.Header => new(kind, Direction.ToDestination, 20),
            Point.MidRam => new(kind, Direction.ToDestination, 4L << 20),
            Point.Devices => new(kind, Direction.ToDestination, known.Devices + 8),
            Point.Reply => new(kind, Direction.ToSource, 0),
            _ => new(kind, Direction.ToSource, "LOADED\n".Length),
        };
    }

    private static string MigrateInProcess(VirtualMachine machine, int port)
    {
        MigrationStats stats = new MigrationSource(machine, null, new MigrationParameters()) { IdleTimeout = TimeSpan.FromSeconds(30) }.Migrate("127.0.0.1", port);
        Assert.True(stats.Completed, stats.FailureReason);
        Assert.Equal(stats.SourceHash, stats.DestinationHash);
        return stats.SourceHash!;
    }

    /// <summary>The stream and hash of the guest every source here migrates, measured in this process.</summary>
    private sealed record KnownStream(string Hash, long Devices)
    {
        public static VirtualMachine NewGuest()
        {
            // As 'migrate' builds it from the options in Guest.
            var machine = new VirtualMachine(16L << 20);
            machine.FillRandom(seed: 1, fraction: 1);
            using var guest = new GuestWorkload(machine, seed: 1, dirtyPagesPerSecond: 0);
            return machine;
        }

        public static KnownStream Measure()
        {
            using VirtualMachine machine = NewGuest();
            var wire = new Recorder();
            MigrationStats stats = new MigrationSource(machine, null, new MigrationParameters()).Migrate(wire);
            Assert.True(stats.Completed);
            byte[] stream = wire.Sent.ToArray();
            StreamSections.Section devices = StreamSections.FindFull(stream, "cpu_common");
            long start = devices.BodyStart - 8 - "cpu_common".Length - 1 - 4 - 1;
            Assert.True(start > 16L << 20 && start < stream.Length - 64, $"the device sections at {start} of {stream.Length}");
            return new KnownStream(stats.SourceHash!, start);
        }
    }

    // A destination that records the stream and answers as a real one.
    private sealed class Recorder : Stream
    {
        private readonly MemoryStream _reply = new("LOADED\nHASH -\n"u8.ToArray());

        public MemoryStream Sent { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _reply.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Sent.Write(buffer, offset, count);
    }

    /// <summary>A CLI child process whose output is collected as it comes.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _errors = new();
        private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Child(Process process)
        {
            _process = process;
        }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        private string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static Child Start(params string[] args) => StartIn(null, args);

        public static Child StartIn(string? workingDirectory, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet", ["exec", typeof(VirtualMachine).Assembly.Location, .. args])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = workingDirectory ?? "",
            };
            var child = new Child(Process.Start(start)!);
            child._process.OutputDataReceived += (_, e) => child.Collect(child._output, e.Data, first: true);
            child._process.ErrorDataReceived += (_, e) => child.Collect(child._errors, e.Data, first: false);
            child._process.BeginOutputReadLine();
            child._process.BeginErrorReadLine();
            return child;
        }

        public async Task<int> ListeningPort()
        {
            string line = await _firstLine.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(line.StartsWith(Waiting, StringComparison.Ordinal), $"first line: '{line}'; stderr: {Errors}");
            return IPEndPoint.Parse(line[Waiting.Length..]).Port;
        }

        public async Task<(int Rc, string Output, string Errors)> Exit()
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            _process.WaitForExit(); // the output events are all delivered after this
            return (_process.ExitCode, Output, Errors);
        }

        /// <summary>The destination's hash after it took a migration and exited 0.</summary>
        public async Task<string> CompletedHash()
        {
            (int rc, string output, string errors) = await Exit();
            Assert.True(rc == 0, $"incoming exit {rc}; stdout: {output}; stderr: {errors}");
            Assert.Contains("guest started", output, StringComparison.Ordinal);
            string line = output.Split('\n').Single(l => l.StartsWith(StateLine, StringComparison.Ordinal));
            return line[StateLine.Length..].Trim();
        }

        public async Task WaitForError(string text)
        {
            var clock = Stopwatch.StartNew();
            while (!Errors.Contains(text, StringComparison.Ordinal))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no '{text}' on stderr: {Errors}");
                await Task.Delay(20);
            }
        }

        public async Task Kill()
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private void Collect(StringBuilder into, string? line, bool first)
        {
            if (line is null)
            {
                return;
            }

            lock (into)
            {
                into.AppendLine(line);
            }

            if (first)
            {
                _firstLine.TrySetResult(line);
            }
        }
    }
}
