using System.Buffers.Binary;
using VmState.Qemu.Machines;
using VmState.Wire;

namespace VmState.Qemu.Tests;

/// <summary>
/// A stream decides how much RAM an import maps, so its block list is checked first: a claim over
/// <see cref="QemuImportOptions.MaxMemory"/> and a block that is empty or not whole pages are errors at the block list,
/// before any RAM block is allocated. The streams are the pc recording with its <c>ram</c> START list patched.
/// </summary>
public sealed class RamClaimTests
{
    private const long MiB = 1L << 20;

    [Theory]
    [InlineData(64L << 30, "64 GiB")]
    [InlineData(1L << 40, "1 TiB")]
    public void A_stream_claiming_more_ram_than_the_limit_fails_at_its_block_list_before_any_ram_is_allocated(long pcRam, string claimed)
    {
        (byte[] stream, long listAt) = WithPcRam(pcRam);

        // Without the check the 1 TiB and 64 GiB allocations die with OutOfMemoryException (or map it and load).
        var e = Assert.Throws<VmStateLoadException>(() => QemuStreams.Import(stream));

        Assert.Equal(listAt, e.Offset);
        Assert.Contains($"'pc.ram' ({claimed} = {pcRam} bytes)", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 16 GiB = 17179869184 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxMemory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxMemory_lets_a_larger_claim_through_and_holds_a_smaller_one_back()
    {
        (byte[] stream, long listAt) = WithPcRam(64 * MiB);
        long total = (64 * MiB) + OtherBlocks;

        QemuImportResult import = QemuStreams.Import(stream, new QemuImportOptions { MaxMemory = 128 * MiB });
        using (import.Machine)
        {
            Assert.Equal(64 * MiB, import.Machine.Ram().Length);
            Assert.Equal(total, import.Machine.RamBlocks.Sum(b => b.Length));
        }

        var e = Assert.Throws<VmStateLoadException>(() => QemuStreams.Import(stream, new QemuImportOptions { MaxMemory = 64 * MiB }));
        Assert.Equal(listAt, e.Offset);
        Assert.Contains($"claim 80.82 MiB = {total} bytes in total, more than the limit of 64 MiB", e.Message, StringComparison.Ordinal);

        // The recording itself (32.82 MiB) is over a 32 MiB limit too.
        Assert.Throws<VmStateLoadException>(() => QemuStreams.Import(Fixture(), new QemuImportOptions { MaxMemory = 32 * MiB }));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData((16L << 20) + 100)]
    public void A_block_that_is_empty_or_not_whole_pages_is_an_error_naming_it(long pcRam)
    {
        (byte[] stream, long listAt) = WithPcRam(pcRam);

        var e = Assert.Throws<VmStateLoadException>(() => QemuStreams.Layout(stream));

        Assert.StartsWith($"RAM block 'pc.ram' has length 0x{pcRam:x}, not a nonzero whole number of 4096-byte pages", e.Message, StringComparison.Ordinal);
        Assert.Equal(listAt + 8, e.Offset);
    }

    [Fact]
    public void A_block_past_the_mem_size_total_is_an_error_naming_it()
    {
        byte[] stream = (byte[])Fixture().Clone();
        long listAt = ListAt(stream);
        ulong header = BinaryPrimitives.ReadUInt64BigEndian(stream.AsSpan((int)listAt));
        BinaryPrimitives.WriteUInt64BigEndian(stream.AsSpan((int)listAt), header - (ulong)(8 * MiB));

        var e = Assert.Throws<VmStateLoadException>(() => QemuStreams.Layout(stream));

        Assert.StartsWith("RAM block '0000:00:02.0/vga.vram' of 0x1000000 bytes runs past the list's MEM_SIZE total", e.Message, StringComparison.Ordinal);
    }

    // Every block of the recording but pc.ram: vga.vram, the ROMs, the ACPI tables.
    private const long OtherBlocks = (16 * MiB) + (2 * 128 * 1024) + (2 * 256 * 1024) + (64 * 1024) + (2 * 4096);

    private static byte[] Fixture() => QemuFixtures.Bytes("pc-16m.migration");

    // The ram START body: after the section's type, number, "ram" id string, instance and version.
    private static long ListAt(byte[] stream) => stream.AsSpan().IndexOf("\u0003ram"u8) + 4 + 4 + 4;

    // The recording with pc.ram (the list's first block) claiming pcRam bytes, and the MEM_SIZE total to match.
    private static (byte[] Stream, long ListAt) WithPcRam(long pcRam)
    {
        byte[] stream = (byte[])Fixture().Clone();
        int at = (int)ListAt(stream);
        ulong header = BinaryPrimitives.ReadUInt64BigEndian(stream.AsSpan(at));
        int pcRamAt = at + 8 + 1 + "pc.ram".Length;
        Assert.Equal("pc.ram"u8.ToArray(), stream.AsSpan(at + 9, 6).ToArray());
        ulong old = BinaryPrimitives.ReadUInt64BigEndian(stream.AsSpan(pcRamAt));
        BinaryPrimitives.WriteUInt64BigEndian(stream.AsSpan(at), header - old + (ulong)(pcRam & ~4095L));
        BinaryPrimitives.WriteUInt64BigEndian(stream.AsSpan(pcRamAt), (ulong)pcRam);
        return (stream, at);
    }
}
