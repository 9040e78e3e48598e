namespace VmState.Migration;

/// <summary>
/// What a live section still has to send (QEMU's <c>state_pending_estimate</c>/<c>_exact</c>): bytes that must go
/// before the switchover, and bytes that could follow it in postcopy.
/// </summary>
/// <param name="MustPrecopy">Bytes that have to be sent while the guest still runs on the source.</param>
/// <param name="CanPostcopy">Bytes that postcopy could fetch on demand after the switchover.</param>
public readonly record struct PendingBytes(long MustPrecopy, long CanPostcopy)
{
    /// <summary>Everything still to send.</summary>
    public long Total => MustPrecopy + CanPostcopy;

    /// <summary>Adds two estimates.</summary>
    public static PendingBytes operator +(PendingBytes a, PendingBytes b) =>
        new(a.MustPrecopy + b.MustPrecopy, a.CanPostcopy + b.CanPostcopy);

    /// <summary>Adds two estimates.</summary>
    public static PendingBytes Add(PendingBytes a, PendingBytes b) => a + b;
}
