using System.Buffers;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Runtime.Tests.Migration;

/// <summary>
/// A load onto RAM its owner declared zeroed (<see cref="RamSection.LoadOntoZeroedRam"/>) reads no page before writing
/// it and keeps no copies, yet a failed load still leaves every page zero, and a page sent twice ends as sent last.
/// </summary>
public sealed class ZeroedRamLoadTests
{
    private static byte[] Snapshot(StreamTestMachine machine)
    {
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(machine.Registry, output, StreamTestMachine.Options);
        return output.WrittenSpan.ToArray();
    }

    private static bool AllZero(RamSection ram) =>
        ram.Blocks.All(b => Enumerable.Range(0, (int)b.PageCount).All(p => !b.Page(p).ContainsAnyExcept((byte)0)));

    [Fact]
    public void A_load_onto_zeroed_ram_equals_the_source_and_then_no_longer_claims_zeros()
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        target.RamSection.LoadOntoZeroedRam = true;

        new MigrationLoader(target.Registry, StreamTestMachine.Options).Load(Snapshot(source));

        Assert.Equal(source.Hash(), target.Hash());
        Assert.False(target.RamSection.LoadOntoZeroedRam);
    }

    [Fact]
    public void A_failed_load_onto_zeroed_ram_leaves_every_page_zero_and_the_promise_standing()
    {
        using var source = new StreamTestMachine(fill: true);
        using var target = new StreamTestMachine(fill: false);
        target.RamSection.LoadOntoZeroedRam = true;
        byte[] stream = Snapshot(source);

        // Cut after the RAM pages, before the end: the pages were written, then the load fails.
        byte[] cut = stream[..(stream.Length - 40)];
        Assert.ThrowsAny<VmStateException>(() => new MigrationLoader(target.Registry, StreamTestMachine.Options).Load(cut));

        Assert.True(AllZero(target.RamSection));
        Assert.True(target.RamSection.LoadOntoZeroedRam);

        // And the next load goes through as on a fresh machine.
        new MigrationLoader(target.Registry, StreamTestMachine.Options).Load(stream);
        Assert.Equal(source.Hash(), target.Hash());
    }

    [Fact]
    public void A_page_sent_with_data_and_then_as_zero_ends_zero()
    {
        using var source = new StreamTestMachine(fill: true);
        var output = new ArrayBufferWriter<byte>();
        var saver = new MigrationSaver(source.Registry, output, StreamTestMachine.Options);
        saver.SaveStreamSetup();
        while (!saver.SaveStreamIterate())
        {
        }

        // Page 0 held random bytes and went as a normal page; now it is zero and goes again, as a zero page.
        Assert.True(source.Ram.Page(0).ContainsAnyExcept((byte)0));
        source.Ram.Write(0, new byte[RamBlock.PageSize]);
        _ = saver.SaveStreamPendingExact();
        while (!saver.SaveStreamIterate())
        {
        }

        saver.SaveStreamCompletePrecopy();
        saver.SaveStreamCleanup();

        using var target = new StreamTestMachine(fill: false);
        target.RamSection.LoadOntoZeroedRam = true;
        new MigrationLoader(target.Registry, StreamTestMachine.Options).Load(output.WrittenSpan.ToArray());

        Assert.False(target.Ram.Page(0).ContainsAnyExcept((byte)0));
        Assert.Equal(source.Hash(), target.Hash());
    }
}
