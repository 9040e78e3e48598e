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
/// <para>
/// Postcopy (QEMU's order) adds, on the save side, <see cref="SavePostcopyPrepare"/> with the guest stopped at the
/// switch and <see cref="SaveCompletePostcopy"/> at the end; on the load side <see cref="LoadPostcopyAdvise"/>,
/// <see cref="LoadPostcopyDiscard"/>, <see cref="LoadPostcopyListen"/> and <see cref="LoadPostcopyRun"/>, after which
/// the guest runs on the destination and nothing can be rolled back.
/// </para>
/// </remarks>
public abstract class LiveSectionHandler
{
    /// <summary>
    /// During a load (from <see cref="LoadSetup"/> on): the loader's worker pool, to hand work to from
    /// <see cref="LoadState"/>; the load completes only when all of it has, and fails if any of it fails. Null outside a load.
    /// </summary>
    public LoadThreads? LoadThreads { get; internal set; }

    /// <summary>False to leave the section out of this migration (QEMU's <c>is_active</c>).</summary>
    public virtual bool IsActive => true;

    /// <summary>True when the section can send the rest of its state after the guest moved (QEMU's <c>has_postcopy</c>).</summary>
    public virtual bool HasPostcopy => false;

    /// <summary>
    /// Called first on the save side, before the stream's header, with the migration's options (QEMU's
    /// <c>save_prepare</c>): e.g. whether postcopy may follow, which decides how <see cref="SavePendingEstimate"/>
    /// splits what is left.
    /// </summary>
    public virtual void SavePrepare(MigrationStreamOptions options)
    {
    }

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

    /// <summary>
    /// With the guest stopped at the switch to postcopy: synchronises dirty tracking and adds to
    /// <paramref name="discards"/> every range whose copy on the destination is stale or missing (the saver sends them
    /// as POSTCOPY_RAM_DISCARD). Only called when <see cref="HasPostcopy"/>.
    /// </summary>
    public virtual void SavePostcopyPrepare(ICollection<PostcopyDiscardRange> discards)
    {
    }

    /// <summary>Writes the END payload of a postcopy migration: everything still pending (the guest runs elsewhere).</summary>
    public virtual void SaveCompletePostcopy(ref VmStateWriter writer) => SaveCompletePrecopy(ref writer);

    /// <summary>
    /// The names of this section's postcopy memory blocks: a resuming source asks the destination for each one's
    /// received bitmap (RECV_BITMAP). Only asked when <see cref="HasPostcopy"/>.
    /// </summary>
    public virtual IReadOnlyList<string> PostcopyBlocks => [];

    /// <summary>
    /// A source resuming a paused postcopy, in a new process or after a new connection: prepares to send everything the
    /// destination has not received, and nothing yet (the bitmaps follow, <see cref="SaveResumeBitmap"/>). The
    /// guest here has been stopped since the switch, so its state is the one to complete.
    /// </summary>
    public virtual void SaveResumePrepare()
    {
    }

    /// <summary>
    /// The destination's received bitmap of <paramref name="block"/> (one bit a page, set where the page arrived,
    /// little-endian 64-bit words as QEMU sends them): what is not set is sent again. Returns false for a block this
    /// section does not have.
    /// </summary>
    /// <exception cref="VmStateLoadException">A bitmap whose size does not fit the block.</exception>
    public virtual bool SaveResumeBitmap(string block, ReadOnlySpan<byte> bitmap) => false;

    /// <summary>
    /// The destination side of a resume: the received bitmap of <paramref name="block"/> in QEMU's layout, or null for a
    /// block this section does not have.
    /// </summary>
    public virtual byte[]? LoadReceivedBitmap(string block) => null;

    /// <summary>
    /// With <see cref="MigrationStreamOptions.SwitchoverAck"/>: the destination must not be switched to before this
    /// section approves (<see cref="LoadSwitchoverApproved"/>), e.g. until it holds data it needs first.
    /// </summary>
    public virtual bool LoadSwitchoverAckNeeded => false;

    /// <summary>True once this section, on the destination, lets the source switch over (asked after every frame).</summary>
    public virtual bool LoadSwitchoverApproved => true;

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

    /// <summary>
    /// How many bytes a PART or END payload that begins with <paramref name="body"/> takes, as far as those bytes
    /// show: its exact length once its end is among them, more than <c>body.Length</c> (at least through the next
    /// record) while it is not, or -1 when the handler cannot tell (the default). A loader reading a stream first
    /// waits for that many bytes, so a large payload is parsed once instead of again after every packet that arrives.
    /// </summary>
    public virtual long LoadMeasure(ReadOnlySpan<byte> body) => -1;

    /// <summary>POSTCOPY_ADVISE arrived: postcopy may follow, so start tracking what has been received.</summary>
    public virtual void LoadPostcopyAdvise()
    {
    }

    /// <summary>
    /// One POSTCOPY_RAM_DISCARD: forget the named block's pages in its ranges (the source sends them again).
    /// Returns false when the block is not this section's.
    /// </summary>
    public virtual bool LoadPostcopyDiscard(MigrationCommandFrame discard) => false;

    /// <summary>POSTCOPY_LISTEN: from now on a guest access to a missing page asks the source for it.</summary>
    public virtual void LoadPostcopyListen()
    {
    }

    /// <summary>
    /// POSTCOPY_RUN: the guest is about to run on what has arrived; what was loaded so far is final (no rollback from
    /// here on). The rest of the section's state follows while the guest runs.
    /// </summary>
    public virtual void LoadPostcopyRun()
    {
    }

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
