using VmState.Description;
using VmState.Migration;
using VmState.Ram;

namespace VmState.Runtime.Tests.Postcopy;

/// <summary>What keeps postcopy's pause short: word-wide discards, and rehearsals that compile the switch beforehand.</summary>
public class PostcopyPauseTests
{
    [Theory]
    [InlineData(3, 130)] // starts and ends inside a word, spans two whole ones
    [InlineData(64, 64)] // exactly one word
    [InlineData(0, 200)] // the whole block, its last word partial
    [InlineData(199, 1)]
    public void A_discard_clears_exactly_its_pages(long first, long count)
    {
        using var block = new RamBlock("pc.ram", 200 * RamBlock.PageSize);
        PostcopyPages pages = block.BeginPostcopy();

        pages.Discard(first, count);

        Assert.Equal(count, pages.Missing);
        for (long p = 0; p < block.PageCount; p++)
        {
            Assert.True(pages.IsReceived(p) == (p < first || p >= first + count), $"page {p}");
        }
    }

    [Fact]
    public void Rehearsing_devices_runs_their_needed_tests_and_changes_nothing()
    {
        var dev = new RehearsedDev { A = 7 };
        var registry = new VmStateRegistry();
        registry.Register(dev);

        registry.RehearseDevices();

        // A migration's save asks the test; a rehearsal that only saved every subsection would leave it uncompiled.
        Assert.True(dev.NeededCalls > 0);
        Assert.Equal(7u, dev.A);
    }

    [Fact]
    public void The_postcopy_rehearsal_migrates_its_scratch_machine_with_any_options()
    {
        PostcopyRehearsal.Run(PostcopyMachine.Options);
        PostcopyRehearsal.Run(new MigrationStreamOptions { MachineName = "pc-i440fx-7.2" });
    }
}

[System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0112", Justification = "The test counts its calls; what it returns does not depend on them.")]
[VmState("rehearsed-dev")]
[Subsection("rehearsed-dev/more")]
public partial class RehearsedDev
{
    [VmStateField("a")] public uint A;
    [VmStateField("b", Subsection = "rehearsed-dev/more")] public uint B;

    public int NeededCalls { get; private set; }

    [Needed("rehearsed-dev/more")]
    private bool IsMoreNeeded()
    {
        NeededCalls++;
        return false;
    }
}
