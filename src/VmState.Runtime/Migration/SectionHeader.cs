using VmState.Wire;

namespace VmState.Migration;

/// <summary>The header of a START or FULL section as read from a stream.</summary>
/// <param name="Type">START or FULL (PART/END reuse the header of their START).</param>
/// <param name="SectionId">The source's section number.</param>
/// <param name="IdStr">The section's id string.</param>
/// <param name="InstanceId">The instance number.</param>
/// <param name="VersionId">The version the body was written at.</param>
public readonly record struct SectionHeader(QemuSectionType Type, int SectionId, string IdStr, int InstanceId, int VersionId);

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

/// <summary>What a successful load read.</summary>
public sealed record MigrationLoadResult
{
    /// <summary>The configuration section, when the stream had one.</summary>
    public ConfigurationInfo? Configuration { get; init; }

    /// <summary>Frames (FULL, START, PART, END) loaded into registered entries.</summary>
    public int FramesLoaded { get; init; }

    /// <summary>Frames passed to the unknown-section skipper.</summary>
    public int FramesSkipped { get; init; }

    /// <summary>Bytes consumed, VMDESCRIPTION included.</summary>
    public long BytesRead { get; init; }

    /// <summary>The VMDESCRIPTION JSON text, when the stream ended with one.</summary>
    public string? VmDescription { get; init; }

    /// <summary>Non-fatal oddities QEMU also only reports (e.g. no VMDESCRIPTION after EOF).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
