using VmState.Ram;

namespace SampleMachine.Migration;

/// <summary>Knobs of a live migration, named and defaulted as QEMU's migration parameters.</summary>
public sealed record MigrationParameters
{
    /// <summary>Bytes per second the source may send; 0 for no limit.</summary>
    public long Bandwidth { get; init; }

    /// <summary>Longest acceptable pause of the guest, in milliseconds (QEMU's default: 300).</summary>
    public int DowntimeLimitMs { get; init; } = 300;

    /// <summary>Iterations before a migration that does not converge gives up (ignored with auto-converge).</summary>
    public int MaxIterations { get; init; } = 30;

    /// <summary>Throttle the guest step by step until the migration converges (QEMU's <c>auto-converge</c>).</summary>
    public bool AutoConverge { get; init; }

    /// <summary>First throttle, as a fraction (QEMU's <c>cpu-throttle-initial</c>, 20%).</summary>
    public double ThrottleInitial { get; init; } = 0.20;

    /// <summary>Added per iteration that still does not converge (QEMU's <c>cpu-throttle-increment</c>, 10%).</summary>
    public double ThrottleIncrement { get; init; } = 0.10;

    /// <summary>Bytes of pages per PART section.</summary>
    public int ChunkBytes { get; init; } = 256 << 10;

    /// <summary>
    /// Multifd channels besides the main connection (QEMU's <c>multifd</c> capability and <c>multifd-channels</c>;
    /// 0: none). The destination must be told the same number. Not with <see cref="Postcopy"/>.
    /// </summary>
    public int Channels { get; init; }

    /// <summary>How the multifd channels compress their pages (QEMU's <c>multifd-compression</c>; null: not at all).</summary>
    public MultifdCompression? MultifdCompression { get; init; }

    /// <summary>
    /// Switch to postcopy when precopy has not converged (QEMU's <c>postcopy-ram</c> and <c>migrate-start-postcopy</c>):
    /// the guest moves at once and its missing pages follow, each page the guest touches first fetched on demand.
    /// </summary>
    public bool Postcopy { get; init; }

    /// <summary>
    /// QEMU 8.1's <c>switchover-ack</c>: stop the guest only after the destination said SWITCHOVER_ACK on the return
    /// path; until then a converged migration keeps iterating.
    /// </summary>
    public bool SwitchoverAck { get; init; }

    /// <summary>
    /// With <see cref="Postcopy"/>: switch after this many precopy passes, at the end of the pass (null: after the first
    /// unless <see cref="PostcopyAfter"/> is set).
    /// </summary>
    public int? PostcopyPasses { get; init; }

    /// <summary>With <see cref="Postcopy"/>: switch once precopy has run this long, even mid-pass (null: passes only).</summary>
    public TimeSpan? PostcopyAfter { get; init; }

    /// <summary>Bytes per second after the switch (QEMU's <c>max-postcopy-bandwidth</c>); 0 for no limit.</summary>
    public long PostcopyBandwidth { get; init; }
}

/// <summary>Where a migration is, for progress displays.</summary>
/// <param name="Iteration">The pass over dirty memory (1 is the first, full pass).</param>
/// <param name="Transferred">Bytes sent so far.</param>
/// <param name="Remaining">Bytes known to be still pending.</param>
/// <param name="DirtyRate">Pages dirtied per second, measured at the last synchronisation.</param>
/// <param name="Bandwidth">Bytes per second: so far in the current pass, or over the whole pass once complete.</param>
/// <param name="Throttle">Guest throttle in effect.</param>
/// <param name="PassComplete">True for the report at the end of a pass (its figures are measured, not running).</param>
/// <param name="Postcopy">True after the switch to postcopy: the guest runs on the destination, the rest is sent once.</param>
public readonly record struct MigrationProgress(int Iteration, long Transferred, long Remaining, double DirtyRate, double Bandwidth, double Throttle, bool PassComplete = false, bool Postcopy = false)
{
    /// <summary>Estimated time to send what remains at the measured bandwidth.</summary>
    public TimeSpan Eta => Bandwidth > 0 ? TimeSpan.FromSeconds(Remaining / Bandwidth) : TimeSpan.Zero;
}

/// <summary>One pass over dirty memory, as recorded for the report.</summary>
/// <param name="Iteration">Pass number.</param>
/// <param name="RemainingBytes">Bytes pending after the pass's dirty synchronisation.</param>
/// <param name="DirtyPagesPerSecond">Pages dirtied per second during the pass.</param>
/// <param name="BandwidthBytesPerSecond">Measured send rate during the pass.</param>
/// <param name="Throttle">Guest throttle during the pass.</param>
/// <param name="At">When the pass ended, from the start of the migration (pass 0: when the first began).</param>
/// <param name="Transferred">Bytes sent by then.</param>
public readonly record struct IterationRecord(int Iteration, long RemainingBytes, double DirtyPagesPerSecond, double BandwidthBytesPerSecond, double Throttle, TimeSpan At = default, long Transferred = 0);

/// <summary>The figures of a finished (or abandoned) migration, as QEMU's <c>query-migrate</c> reports them.</summary>
public sealed record MigrationStats
{
    /// <summary>True when the destination took over the guest.</summary>
    public bool Completed { get; init; }

    /// <summary>Why it did not complete.</summary>
    public string? FailureReason { get; init; }

    /// <summary>From setup to the destination's acknowledgement that it loaded everything (hashing excluded).</summary>
    public TimeSpan TotalTime { get; init; }

    /// <summary>From stopping the guest to the destination having loaded everything.</summary>
    public TimeSpan Downtime { get; init; }

    /// <summary>The downtime limit the migration ran under.</summary>
    public TimeSpan DowntimeLimit { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>What the switchover was expected to take: the bytes left over the last pass's bandwidth.</summary>
    public TimeSpan EstimatedDowntime { get; init; }

    /// <summary>A completed migration whose guest was paused longer than the limit: the limit is a promise, so this is said.</summary>
    public bool DowntimeExceeded => Completed && Downtime > DowntimeLimit;

    /// <summary>Time of the setup phase.</summary>
    public TimeSpan SetupTime { get; init; }

    /// <summary>Bytes sent.</summary>
    public long Transferred { get; init; }

    /// <summary>Pages sent whole.</summary>
    public long NormalPages { get; init; }

    /// <summary>Pages sent as zero pages.</summary>
    public long ZeroPages { get; init; }

    /// <summary>Pages dirtied per second in the last pass.</summary>
    public double DirtyPagesRate { get; init; }

    /// <summary>Passes over memory (QEMU's <c>dirty-sync-count</c>).</summary>
    public int Iterations { get; init; }

    /// <summary>Megabits per second over the whole migration.</summary>
    public double Mbps => TotalTime.TotalSeconds > 0 ? Transferred * 8 / TotalTime.TotalSeconds / 1e6 : 0;

    /// <summary>Final guest throttle.</summary>
    public double Throttle { get; init; }

    /// <summary>State hash of the source at the switchover.</summary>
    public string? SourceHash { get; init; }

    /// <summary>State hash the destination reported.</summary>
    public string? DestinationHash { get; init; }

    /// <summary>True when the migration switched to postcopy.</summary>
    public bool Postcopy { get; init; }

    /// <summary>With switchover ack: how long a migration that had converged waited for the destination's ack (null: no ack asked).</summary>
    public TimeSpan? SwitchoverAckWait { get; init; }

    /// <summary>Postcopy: when the switch came, from the start.</summary>
    public TimeSpan PostcopyStart { get; init; }

    /// <summary>Postcopy: pages the destination's guest asked for.</summary>
    public long PostcopyRequests { get; init; }

    /// <summary>Postcopy: guest accesses that waited for a page, as the destination counted them.</summary>
    public long PostcopyFaults { get; init; }

    /// <summary>Postcopy: the mean wait of those accesses, request to page.</summary>
    public TimeSpan PostcopyMeanWait { get; init; }

    /// <summary>Postcopy: the longest wait.</summary>
    public TimeSpan PostcopyMaxWait { get; init; }

    /// <summary>Postcopy: steps the destination's guest ran before its hash; the source replayed as many on its copy.</summary>
    public long ReplayedSteps { get; init; }

    /// <summary>The run's limits, for the report's caption (null: not known).</summary>
    public MigrationParameters? Parameters { get; init; }

    /// <summary>Guest RAM in bytes, for the report's caption (0: not known).</summary>
    public long RamBytes { get; init; }

    /// <summary>Per-pass record, for the SVG report; the first entry (pass 0) is the state before the first pass.</summary>
    public IReadOnlyList<IterationRecord> History { get; init; } = [];
}
