namespace VmState.Wire;

/// <summary>QEMU's <c>RAM_SAVE_FLAG_*</c>: the low bits of every be64 record header of the <c>ram</c> section.</summary>
[Flags]
public enum QemuRamRecordKinds : ulong
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Obsolete since 2009; never sent.</summary>
    Full = 0x01,

    /// <summary>A page filled with one byte value (always 0): the header, then that byte.</summary>
    Zero = 0x02,

    /// <summary>The RAM block list follows; the high bits hold the total RAM size.</summary>
    MemSize = 0x04,

    /// <summary>A whole page of raw bytes follows.</summary>
    Page = 0x08,

    /// <summary>End of this section's RAM data.</summary>
    Eos = 0x10,

    /// <summary>Same RAM block as the previous page: the block id is left out.</summary>
    Continue = 0x20,

    /// <summary>An XBZRLE-encoded page (not supported here).</summary>
    Xbzrle = 0x40,

    /// <summary>RDMA hook (not supported here).</summary>
    Hook = 0x80,

    /// <summary>A compressed page (removed in QEMU 9.1; not supported here).</summary>
    CompressPage = 0x100,

    /// <summary>A multifd synchronisation point; nothing follows.</summary>
    MultifdFlush = 0x200,
}
