using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// A live (iterative) section, modelled on QEMU's <c>SaveVMHandlers</c>: its state is sent in a START section during
/// setup, PART sections while the guest runs, and an END section at the switchover. Override what the section needs;
/// the defaults send nothing and accept nothing.
/// </summary>
/// <remarks>
/// On the load side a frame may be handed to <see cref="LoadState"/> again with the same bytes when the input is a
/// network stream that had not yet delivered the whole frame: loading must be idempotent for the same input.
/// A load is transactional: <see cref="LoadCommit"/> runs when the whole stream loaded, <see cref="LoadRollback"/>
/// when it failed, and the rollback must leave the state exactly as it was before <see cref="LoadSetup"/>.
/// </remarks>
public abstract class LiveSectionHandler
{
    /// <summary>False to leave the section out of this migration (QEMU's <c>is_active</c>).</summary>
    public virtual bool IsActive => true;

    /// <summary>Writes the START payload (e.g. the RAM block list) and prepares dirty tracking.</summary>
    public virtual void SaveSetup(ref VmStateWriter writer)
    {
    }

    /// <summary>
    /// Writes one PART payload of at most about <paramref name="budget"/> bytes while the guest runs.
    /// Returns true when nothing is left to send at the moment.
    /// </summary>
    public virtual bool SaveIterate(ref VmStateWriter writer, long budget) => true;

    /// <summary>A cheap estimate of what is left (may be stale; QEMU's <c>state_pending_estimate</c>).</summary>
    public virtual PendingBytes SavePendingEstimate() => default;

    /// <summary>An exact count of what is left, after synchronising dirty tracking (QEMU's <c>state_pending_exact</c>).</summary>
    public virtual PendingBytes SavePendingExact() => SavePendingEstimate();

    /// <summary>Writes the END payload: everything still pending, with the guest stopped.</summary>
    public virtual void SaveCompletePrecopy(ref VmStateWriter writer)
    {
    }

    /// <summary>Releases what the save side set up (runs after success and after failure).</summary>
    public virtual void SaveCleanup()
    {
    }

    /// <summary>Prepares the load side before the first frame of this section arrives.</summary>
    public virtual void LoadSetup()
    {
    }

    /// <summary>Reads one START, PART or END payload written at <paramref name="versionId"/>.</summary>
    public abstract void LoadState(ref VmStateReader reader, int versionId);

    /// <summary>Makes what was loaded final (the whole stream loaded).</summary>
    public virtual void LoadCommit()
    {
    }

    /// <summary>Puts the state back as it was before <see cref="LoadSetup"/> (the stream failed).</summary>
    public virtual void LoadRollback()
    {
    }

    /// <summary>Releases what the load side set up (runs after commit or rollback).</summary>
    public virtual void LoadCleanup()
    {
    }
}
