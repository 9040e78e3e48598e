namespace VmState.Wire;

/// <summary>The type bytes of QEMU's migration stream (<c>QEMU_VM_*</c> in <c>migration/savevm.h</c>).</summary>
public enum QemuSectionType : byte
{
    /// <summary>End of the device-state part of the stream.</summary>
    Eof = 0x00,
    /// <summary>First chunk of an iterative (live) section, with full header.</summary>
    SectionStart = 0x01,
    /// <summary>A further chunk of a live section, addressed by section id.</summary>
    SectionPart = 0x02,
    /// <summary>The last chunk of a live section.</summary>
    SectionEnd = 0x03,
    /// <summary>A whole non-iterative device section, with full header.</summary>
    SectionFull = 0x04,
    /// <summary>A subsection inside a described body.</summary>
    Subsection = 0x05,
    /// <summary>The JSON self-description appended after EOF.</summary>
    VmDescription = 0x06,
    /// <summary>The configuration section right after the header.</summary>
    Configuration = 0x07,
    /// <summary>A command frame (be16 command, be16 length, payload).</summary>
    Command = 0x08,
    /// <summary>The footer after every section body (be32 section id).</summary>
    SectionFooter = 0x7e,
}
