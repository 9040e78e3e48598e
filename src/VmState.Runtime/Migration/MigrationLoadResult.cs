namespace VmState.Migration;

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

    /// <summary>True when the stream switched to postcopy: the guest ran (from POSTCOPY_RUN on) while the rest arrived.</summary>
    public bool Postcopy { get; init; }

    /// <summary>Non-fatal oddities QEMU also only reports (e.g. no VMDESCRIPTION after EOF).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
