namespace VmState.Analysis;

/// <summary>One frame of a stream as <c>analyze --frames</c> lists it.</summary>
/// <param name="Offset">Where the frame starts (its type byte).</param>
/// <param name="Length">Its bytes, a section's footer included.</param>
/// <param name="Text">What it is and holds, on one line.</param>
/// <param name="InPackage">It lies inside a PACKAGED command's blob.</param>
public sealed record MigrationFrame(long Offset, long Length, string Text, bool InPackage);
