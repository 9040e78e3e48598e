using VmState.Wire;

namespace VmState.Migration;

/// <summary>The header of a START or FULL section as read from a stream.</summary>
/// <param name="Type">START or FULL (PART/END reuse the header of their START).</param>
/// <param name="SectionId">The source's section number.</param>
/// <param name="IdStr">The section's id string.</param>
/// <param name="InstanceId">The instance number.</param>
/// <param name="VersionId">The version the body was written at.</param>
public readonly record struct SectionHeader(QemuSectionType Type, int SectionId, string IdStr, int InstanceId, int VersionId);
