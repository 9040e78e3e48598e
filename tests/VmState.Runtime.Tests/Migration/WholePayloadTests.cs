using VmState.Migration;
using VmState.Ram;
using VmState.Wire;
using VmState.Tests.Support;

namespace VmState.Runtime.Tests.Migration;

/// <summary>
/// A live section that can measure its payload is parsed once over a stream, however the stream trickles in: no
/// parse failing at the end of what arrived (an exception and a copy of the pages again), which cost a migration
/// about one failed parse per RAM part.
/// </summary>
public sealed class WholePayloadTests
{
    private static byte[] Stream(StreamTestMachine machine, long partBudget) =>
        SaveWith(machine.Registry, partBudget);

    private static byte[] SaveWith(VmStateRegistry registry, long partBudget)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(registry, output, StreamTestMachine.Options, partBudget);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void The_ram_sections_measure_is_exact_for_a_whole_part_and_asks_for_more_for_a_cut_one()
    {
        using var block = new RamBlock("pc.ram", 8 * RamBlock.PageSize);
        block.Write(RamBlock.PageSize, new byte[] { 1, 2, 3 });
        var ram = new RamSection([block]);
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new VmStateWriter(writer);
        ram.SavePrepare(new MigrationStreamOptions());
        ram.SaveSetup(ref w);
        w.Flush();
        int setup = writer.WrittenCount;
        ram.SaveIterate(ref w, long.MaxValue);
        w.Flush();
        byte[] part = writer.WrittenSpan[setup..].ToArray();

        // Page 0 (zero, named) 8+1+6+1, page 1 (data, continue) 8+4096, six zero pages 6*(8+1), EOS 8.
        Assert.Equal(16 + 4104 + 54 + 8, part.Length);
        Assert.Equal(part.Length, ram.LoadMeasure(part));
        for (int cut = 0; cut < part.Length; cut += 97)
        {
            long need = ram.LoadMeasure(part.AsSpan(0, cut));
            Assert.InRange(need, cut + 1, part.Length);
        }

        Assert.Equal(-1, ram.LoadMeasure(part.AsSpan(0, 8).ToArray().Select((b, i) => i == 7 ? (byte)0x04 : b).ToArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(61)]
    [InlineData(4096)]
    public void A_trickled_stream_parses_each_ram_part_once(int piece)
    {
        using var source = new StreamTestMachine(fill: true);
        byte[] bytes = Stream(source, partBudget: 3 * RamBlock.PageSize);
        using var target = new StreamTestMachine(fill: false);
        var counting = new CountingHandler(target.RamSection);
        var registry = new VmStateRegistry();
        registry.RegisterLive(RamSection.IdStr, counting, RamSection.SectionVersion);
        registry.Register(target.Dev0);
        registry.Register(target.Dev1);
        registry.Register(target.My);

        new MigrationLoader(registry, StreamTestMachine.Options).Load(new PieceStream(bytes) { Piece = piece });

        Assert.Equal(source.Hash(), target.Hash());
        Assert.True(counting.Parts > 3, $"only {counting.Parts} RAM parts");
        Assert.Equal(0, counting.FailedParts);
    }

    // The RAM section, counting the parses of its PART/END payloads (those after its START) that ran out of input.
    private sealed class CountingHandler(RamSection inner) : LiveSectionHandler
    {
        private bool _started;

        public int Parts { get; private set; }

        public int FailedParts { get; private set; }

        public override void LoadSetup() => inner.LoadSetup();

        public override void LoadState(ref VmStateReader reader, int versionId)
        {
            try
            {
                inner.LoadState(ref reader, versionId);
                Parts += _started ? 1 : 0;
                _started = true;
            }
            catch (VmStateLoadException e) when (e.IsEndOfInput && _started)
            {
                FailedParts++;
                throw;
            }
        }

        public override long LoadMeasure(ReadOnlySpan<byte> body) => inner.LoadMeasure(body);

        public override void LoadCommit() => inner.LoadCommit();

        public override void LoadRollback() => inner.LoadRollback();

        public override void LoadCleanup() => inner.LoadCleanup();
    }
}
