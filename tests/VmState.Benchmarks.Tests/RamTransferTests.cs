using VmState.Benchmarks.Ram;

namespace VmState.Benchmarks.Tests;

/// <summary>The RAM transfers the quick mode times move the guest exactly: ours and the raw copies beside them.</summary>
public sealed class RamTransferTests
{
    private const long Bytes = 8L << 20;

    [Theory]
    [InlineData(RamFill.Random)]
    [InlineData(RamFill.Touched10)]
    public void The_loopback_migrations_and_the_raw_copies_deliver_every_byte(RamFill fill)
    {
        using RamGuest source = RamGuest.Filled(Bytes, fill, seed: 5);
        foreach (Func<RamGuest, Transfer> transfer in new Func<RamGuest, Transfer>[]
        {
            d => RamTransfers.MigrateLoopback(source, d),
            d => RamTransfers.MigrateLoopbackMultifd(source, d, 2),
            d => RamTransfers.RawLoopback(source, d),
            d => RamTransfers.RawLoopbackParallel(source, d, 2),
        })
        {
            using RamGuest destination = RamGuest.Empty(Bytes);
            Transfer t = transfer(destination);

            Assert.Equal(Bytes, t.GuestBytes);
            Assert.True(source.Memory.SequenceEqual(destination.Memory));
        }
    }
}
