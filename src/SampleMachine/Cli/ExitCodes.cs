namespace SampleMachine.Cli;

/// <summary>
/// The exit codes of every command but <c>check</c> (whose code is the error count, as QEMU's checker script's is);
/// README.md's table lists them.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>A bad command line: an unknown option, a missing argument, or an option value out of its range.</summary>
    public const int Usage = 1;

    /// <summary>An input stream or file that is damaged or does not fit (nothing was changed), or state that cannot be saved.</summary>
    public const int BadInput = 3;

    /// <summary>An I/O, network or peer failure, or a live migration that did not complete.</summary>
    public const int Failure = 4;

    /// <summary>A migration or snapshot round trip completed but the two sides' state hashes differ.</summary>
    public const int HashMismatch = 5;

    /// <summary>With <c>--strict-downtime</c>: the migration completed, but the guest was paused longer than the downtime limit.</summary>
    public const int DowntimeExceeded = 6;

    /// <summary>
    /// A postcopy migration broke after the switch: the destination ran the guest but misses pages only the source
    /// has, so both sides keep their halves paused (the source saves its copy).
    /// </summary>
    public const int PostcopyPaused = 7;

    /// <summary>An error the tool did not expect (a bug): one line on stderr, the details with --verbose.</summary>
    public const int InternalError = 70;
}
