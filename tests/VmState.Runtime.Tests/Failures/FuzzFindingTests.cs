using System.Buffers;
using VmState.Analysis;
using VmState.Description;
using VmState.Migration;
using VmState.Runtime.Tests.Encoding;
using VmState.Runtime.Tests.Migration;
using VmState.Tests.Support;
using VmState.Wire;

namespace VmState.Runtime.Tests.Failures;

/// <summary>
/// Failures the fuzz harness (<c>tests/VmState.Fuzz</c>) found, each reduced to its cause; the inputs themselves
/// replay under <c>tests/VmState.Fuzz/regressions/</c>.
/// </summary>
public sealed class FuzzFindingTests
{
    private static readonly MigrationStreamOptions Bare = new() { SendConfiguration = false, SendVmDescription = false };

    [Fact]
    public void A_failed_load_that_lowered_a_positive_le_field_still_rolls_back()
    {
        // An int32 le field (a PCI device's version_id) stores what it accepts: a stream that sends 0 and then fails
        // leaves 0 in memory, and the rollback's own read of the snapshot (2) must not be refused against it.
        var source = new CheckedDev { Ver = 0, E8 = 1, E16 = 2, E32 = 3, EI32 = 4, E64 = 5 };
        byte[] stream = Save(source);
        var target = new CheckedDev { Ver = 2, E8 = 1, E16 = 2, E32 = 3, EI32 = 4, E64 = 5 };
        var registry = new VmStateRegistry();
        registry.Register(target);

        // Cut inside the body, after ver: the load fails at the end of the input.
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => new MigrationLoader(registry, Bare).Load(stream.AsMemory(0, stream.Length - 12)));

        Assert.True(e.IsEndOfInput, e.Message);
        Assert.Equal(2, target.Ver);
    }

    [Theory]
    [InlineData("{\"page_size\": 4096, \"devices\": [{\"name\": \"\\ud800\", \"instance_id\": 0, \"fields\": []}]}")]
    [InlineData("{\"page_size\": 4096, \"\\udc00x\": 1, \"devices\": []}")]
    public void A_vmdescription_with_a_lone_surrogate_escape_is_a_load_error(string json)
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes(json);
        byte[] length = [(byte)(text.Length >> 24), (byte)(text.Length >> 16), (byte)(text.Length >> 8), (byte)text.Length];
        byte[] stream = [.. Hex.Bytes("5145564d 00000003 00"), 0x06, .. length, .. text];

        Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.Description(stream));
        Assert.Throws<VmStateLoadException>(() => MigrationStreamAnalyzer.State(stream));
    }

    [Fact]
    public void A_stream_that_arrives_a_byte_at_a_time_is_parsed_about_once_per_field_not_once_per_byte()
    {
        // Each time a frame runs past what has arrived the loader parses it again from its start; it now waits for
        // the bytes the parse was missing (a RAM page's 4096), not for the next read. Before, a 1-byte trickle cost a
        // parse, and its allocations, per byte: quadratic in the frame's size (the harness's memory and hang findings).
        using var source = new StreamTestMachine(fill: true);
        byte[] stream = source.Save();
        using var target = new StreamTestMachine(fill: false);
        var loader = new MigrationLoader(target.Registry, StreamTestMachine.Options);

        long before = GC.GetAllocatedBytesForCurrentThread();
        loader.Load(new PieceStream(stream) { Piece = 1, Seekable = false });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(source.Hash(), target.Hash());
        Assert.True(allocated < (16L * stream.Length) + (1 << 20), $"{allocated} bytes allocated loading {stream.Length} bytes");
    }

    private static byte[] Save(CheckedDev dev)
    {
        var registry = new VmStateRegistry();
        registry.Register(dev);
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(registry, output, Bare);
        return output.WrittenSpan.ToArray();
    }
}
