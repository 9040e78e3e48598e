using VmState.Qemu.Machines;
using VmState.Ram;

namespace VmState.Qemu.Tests;

/// <summary>
/// Compares a stream we wrote back with the QEMU stream it came from: shared by the fixture tests and the tests that
/// make fresh QEMU streams (linked into SampleMachine.Tests).
/// </summary>
internal static class ResaveCheck
{
    /// <summary>
    /// Up to the end of the ram START section (header, configuration, block list) the bytes are QEMU's; everything
    /// after the ram END section (every device section, EOF, VMDESCRIPTION) is QEMU's; the RAM the two carry is the
    /// same, block by block. Only the page records between may differ: QEMU sent pages in dirty-tracking passes while
    /// the guest ran (a page may come twice, in an order that depends on timing); a stopped machine sends each once.
    /// </summary>
    public static void AssertSameAsQemu(byte[] qemu, byte[] ours)
    {
        int setupEnd = RamSetupEnd(qemu);
        Assert.Equal(qemu[..setupEnd], ours[..setupEnd]);
        Assert.Equal(qemu[DeviceSectionsStart(qemu)..], ours[DeviceSectionsStart(ours)..]);

        using QemuMachine a = QemuStreams.Import(qemu).Machine;
        using QemuMachine b = QemuStreams.Import(ours).Machine;
        foreach (RamBlock block in a.RamBlocks)
        {
            RamBlock other = b.Ram(block.Id);
            for (long p = 0; p < block.PageCount; p++)
            {
                if (!block.Page(p).SequenceEqual(other.Page(p)))
                {
                    Assert.Fail($"{block.Id} page {p} differs after the re-save");
                }
            }
        }
    }

    // The ram START frame ends with the end-of-section flag and its footer: 00..10 7e <section id 2>.
    private static int RamSetupEnd(byte[] stream)
    {
        int at = stream.AsSpan().IndexOf((byte[])[0, 0, 0, 0, 0, 0, 0, 0x10, 0x7e, 0, 0, 0, 2]);
        Assert.True(at > 0, "no end of the ram START section");
        return at + 13;
    }

    // The first device section is QEMU's timer (section 0), right after the ram END frame.
    private static int DeviceSectionsStart(byte[] stream)
    {
        int at = stream.AsSpan().IndexOf((byte[])[0x04, 0, 0, 0, 0, 5, .. "timer"u8, 0, 0, 0, 0]);
        Assert.True(at > 0, "no timer section");
        return at;
    }
}
