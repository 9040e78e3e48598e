using System.Buffers;
using System.Collections.Concurrent;
using VmState.Migration;
using VmState.Tests.Support;
using VmState.Wire;

namespace VmState.Runtime.Tests.Migration;

/// <summary>
/// Load threads: a live section hands the chunks it reads to the loader's workers; the load waits for them, a failing
/// one fails the load, and everything (the section's work and the devices) is rolled back after every worker stopped.
/// </summary>
public sealed class LoadThreadTests
{
    private const int Chunks = 8;

    [Fact]
    public void The_load_completes_only_when_every_piece_of_work_has_and_no_more_run_at_once_than_allowed()
    {
        byte[] stream = Save(new ThreadedSection());
        var target = new ThreadedSection();
        var registry = new VmStateRegistry();
        registry.RegisterLive(ThreadedSection.Name, target, 1);

        new MigrationLoader(registry) { LoadThreadCount = 2 }.Load(stream);

        Assert.Equal(Enumerable.Range(0, Chunks), target.Decoded.Keys.Order());
        Assert.All(target.Decoded, pair => Assert.Equal((byte)pair.Key, pair.Value));
        Assert.InRange(target.MostAtOnce, 1, 2);
        Assert.Equal(0, target.Running);
    }

    [Fact]
    public void A_failing_piece_of_work_fails_the_load_by_section_and_rolls_everything_back_after_the_workers_stopped()
    {
        var target = new ThreadedSection();
        var dev = new MigDev { A = 5 };
        var registry = new VmStateRegistry();
        registry.RegisterLive(ThreadedSection.Name, target, 1);
        registry.Register(dev);
        byte[] source = Save(new ThreadedSection { FailAt = 3 }, new MigDev { A = 9 });

        var e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(registry) { LoadThreadCount = 2 }.Load(source));

        Assert.Contains("A load thread of section 'threaded' failed: chunk 3 is bad", e.Message, StringComparison.Ordinal);
        Assert.Equal(ThreadedSection.Name, e.Section);
        Assert.Equal(0, target.Running);
        Assert.Empty(target.Decoded);
        Assert.Equal(5u, dev.A);
    }

    [Fact]
    public void A_frame_parsed_again_over_a_trickling_stream_hands_its_work_over_once()
    {
        byte[] stream = Save(new ThreadedSection());
        var target = new ThreadedSection();
        var registry = new VmStateRegistry();
        registry.RegisterLive(ThreadedSection.Name, target, 1);

        new MigrationLoader(registry).Load(new PieceStream(stream, seed: 3, maxPiece: 5));

        Assert.Equal(Chunks, target.Started);
        Assert.Equal(Chunks, target.Decoded.Count);
    }

    private static byte[] Save(ThreadedSection section, MigDev? dev = null)
    {
        var registry = new VmStateRegistry();
        registry.RegisterLive(ThreadedSection.Name, section, 1);
        if (dev is not null)
        {
            registry.Register(dev);
        }

        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(registry, output);
        return output.WrittenSpan.ToArray();
    }

    // One chunk (index, 64 bytes of it) per PART; the load decodes each on a worker, slowly.
    private sealed class ThreadedSection : LiveSectionHandler
    {
        public const string Name = "threaded";
        private int _next;
        private int _running;
        private int _mostAtOnce;
        private int _started;

        public int FailAt { get; init; } = -1;

        public ConcurrentDictionary<int, byte> Decoded { get; } = new();

        public int Running => Volatile.Read(ref _running);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int Started => Volatile.Read(ref _started);

        public override void SaveSetup(ref VmStateWriter writer)
        {
            _next = 0;
            writer.WriteUInt8(0);
        }

        public override bool SaveIterate(ref VmStateWriter writer, long budget)
        {
            if (_next < Chunks)
            {
                writer.WriteUInt8(1);
                writer.WriteUInt8((byte)(_next == FailAt ? 0xff : _next));
                for (int i = 0; i < 64; i++)
                {
                    writer.WriteUInt8((byte)_next);
                }

                _next++;
            }

            writer.WriteUInt8(0);
            return _next == Chunks;
        }

        public override void SaveCompletePrecopy(ref VmStateWriter writer) => writer.WriteUInt8(0);

        public override void LoadState(ref VmStateReader reader, int versionId)
        {
            while (reader.ReadUInt8() == 1)
            {
                byte index = reader.ReadUInt8();
                reader.EnsureAvailable(64, 1);
                byte value = reader.ReadUInt8();
                reader.Skip(63);
                LoadThreads!.Start(Name, token =>
                {
                    Interlocked.Increment(ref _started);
                    int now = Interlocked.Increment(ref _running);
                    int most;
                    while (now > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most)
                    {
                    }

                    try
                    {
                        Thread.Sleep(20);
                        token.ThrowIfCancellationRequested();
                        if (index == 0xff)
                        {
                            throw new InvalidDataException("chunk 3 is bad");
                        }

                        Decoded[index] = value;
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _running);
                    }
                });
            }
        }

        public override void LoadRollback() => Decoded.Clear();
    }
}
