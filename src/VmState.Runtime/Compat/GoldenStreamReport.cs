namespace VmState.Compat;

/// <summary>What <see cref="VmStateGoldenStreams.AssertLoad"/> checked for one description.</summary>
/// <param name="Name">The folder name (the description's name unless another was given).</param>
/// <param name="Folder">The folder the streams were read from.</param>
/// <param name="Versions">The recorded versions that were loaded and compared, ascending.</param>
/// <param name="SkippedVersions">Recorded versions below the current <c>MinimumVersion</c>, which the code no longer accepts.</param>
/// <param name="ComparedFields">Field values compared, over all versions.</param>
/// <param name="CurrentVersionRecorded">Whether a stream of the current version is among them (record it when you ship it).</param>
public sealed record GoldenStreamReport(
    string Name,
    string Folder,
    IReadOnlyList<int> Versions,
    IReadOnlyList<int> SkippedVersions,
    int ComparedFields,
    bool CurrentVersionRecorded);
