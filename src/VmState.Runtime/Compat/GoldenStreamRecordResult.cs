namespace VmState.Compat;

/// <summary>What <see cref="VmStateGoldenStreams.Record"/> did.</summary>
public enum GoldenStreamRecordResult
{
    /// <summary>The current version had no stream; its two files were written.</summary>
    Written,

    /// <summary>The same stream was already recorded for the current version; nothing was written.</summary>
    AlreadyRecorded,
}
