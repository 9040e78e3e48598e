using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// Consumes sections the registry has no entry for, instead of failing (an explicit import option: for example one
/// that walks the stream's own VMDESCRIPTION to know a section's length).
/// </summary>
public interface IUnknownSectionSkipper
{
    /// <summary>
    /// Reads past one payload of an unknown section: a FULL or START body, or (with <paramref name="frame"/> PART or
    /// END) a later payload of a skipped live section. Throws <see cref="VmStateLoadException"/> when it cannot.
    /// </summary>
    void Skip(ref VmStateReader reader, in SectionHeader header, QemuSectionType frame);
}
