namespace SampleMachine.Migration;

/// <summary>The migration peer broke the protocol, e.g. a reply line longer than the limit; the message is one line.</summary>
public sealed class MigrationPeerException : IOException
{
    /// <summary>An error with <paramref name="message"/> (already escaped, one line).</summary>
    public MigrationPeerException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The source sent the whole state (the switchover began) but no <c>LOADED</c> came back: the connection broke, stalled,
/// or the reply was no answer. The destination may have loaded the guest and started it, so the source keeps its copy
/// paused and never tries again (the guest must not run twice); the destination's own report tells which side has it.
/// </summary>
public sealed class MigrationInDoubtException : IOException
{
    /// <summary>An in-doubt switchover: <paramref name="message"/> says what came instead of <c>LOADED</c>.</summary>
    public MigrationInDoubtException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The connection failed after the switch to postcopy: the destination runs the guest but misses pages only this
/// source holds, so neither side can run it alone. The source keeps its copy paused (and saved); the migration is
/// paused, not over.
/// </summary>
public sealed class PostcopyPausedException : IOException
{
    /// <summary>A paused postcopy: <paramref name="message"/> says what broke.</summary>
    public PostcopyPausedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
