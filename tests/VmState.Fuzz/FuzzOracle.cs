namespace VmState.Fuzz;

/// <summary>What one input did.</summary>
internal enum FuzzOutcomeKind
{
    /// <summary>Accepted.</summary>
    Ok,

    /// <summary>Refused with a documented typed error.</summary>
    TypedError,

    /// <summary>Another exception escaped: a bug.</summary>
    Crash,

    /// <summary>Did not finish within the time limit.</summary>
    Hang,

    /// <summary>Allocated more than the bound for its length.</summary>
    Memory,
}

/// <summary>One input's outcome; <see cref="Signature"/> groups outcomes for the loop's cheap feedback.</summary>
internal readonly record struct FuzzOutcome(FuzzOutcomeKind Kind, string Detail, long AllocatedBytes)
{
    public bool IsFailure => Kind is FuzzOutcomeKind.Crash or FuzzOutcomeKind.Hang or FuzzOutcomeKind.Memory;

    /// <summary>The outcome without its numbers (offsets, values), so "the same error elsewhere" is one signature.</summary>
    public string Signature => Kind + ":" + new string([.. Detail.Take(120).Where(c => !char.IsAsciiDigit(c))]);
}

/// <summary>
/// The failure oracle. Runs each input on one dedicated worker thread: an exception that is not the target's typed
/// error is a crash; not finishing within <see cref="Timeout"/> is a hang; allocating (managed bytes, counted on the
/// worker by <see cref="GC.GetAllocatedBytesForCurrentThread"/> around the target call only) more than
/// <see cref="AllocationBound"/> is a memory finding. After a hang the worker is abandoned: the caller must stop.
/// </summary>
internal sealed class FuzzOracle : IDisposable
{
    /// <summary>Managed bytes a target may allocate per input byte: K (the analyzer's own is larger, see there).</summary>
    public const long BytesPerInputByte = 64;

    /// <summary>Managed bytes a target may allocate whatever the input: C (64 MiB).</summary>
    public const long FixedAllowance = 64L << 20;

    private readonly FuzzTarget _target;
    private readonly Thread _worker;
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private byte[] _input = [];
    private FuzzOutcome _outcome;
    private volatile bool _stop;

    public FuzzOracle(FuzzTarget target, TimeSpan timeout)
    {
        _target = target;
        Timeout = timeout;
        _worker = new Thread(Work, 16 << 20) { IsBackground = true, Name = "fuzz " + target.Name };
        _worker.Start();
    }

    /// <summary>The time one input may take (hang limit).</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>True once an input hung: the worker is stuck and this oracle can run nothing more.</summary>
    public bool Abandoned { get; private set; }

    /// <summary>K × length + C: the managed bytes an input of <paramref name="length"/> bytes may make the target allocate.</summary>
    public static long AllocationBound(FuzzTarget target, int length) => (target.AllocationPerInputByte * length) + FixedAllowance;

    /// <summary>
    /// Runs one input. An input that takes longer than <see cref="Timeout"/> is given ten times as long to finish
    /// and then run once more: only when it is too slow again (or never finishes) is it a hang, so a machine whose
    /// cores are busy with other work (a GC pause, a loaded CI host) does not make one.
    /// </summary>
    public FuzzOutcome Execute(byte[] input)
    {
        ObjectDisposedException.ThrowIf(Abandoned, this);
        _input = input;
        for (int attempt = 0; ; attempt++)
        {
            _start.Release();
            if (_done.Wait(Timeout))
            {
                return _outcome;
            }

            if (!_done.Wait(Timeout * 10))
            {
                Abandoned = true;
                return new FuzzOutcome(FuzzOutcomeKind.Hang, $"no result after {Timeout.TotalSeconds * 11:0.###} s", -1);
            }

            if (attempt == 1)
            {
                return new FuzzOutcome(FuzzOutcomeKind.Hang, $"took more than {Timeout.TotalSeconds:0.###} s twice", -1);
            }
        }
    }

    public void Dispose()
    {
        if (!Abandoned)
        {
            _stop = true;
            _start.Release();
            _worker.Join();
            _start.Dispose();
            _done.Dispose();
        }
    }

    private void Work()
    {
        while (true)
        {
            _start.Wait();
            if (_stop)
            {
                return;
            }

            _outcome = RunOne(_target, _input);
            _done.Release();
        }
    }

    private static FuzzOutcome RunOne(FuzzTarget target, byte[] input)
    {
        try
        {
            target.Prepare();
        }
        catch (Exception e)
        {
            return new FuzzOutcome(FuzzOutcomeKind.Crash, "Prepare: " + e, -1);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        FuzzOutcome outcome;
        try
        {
            target.Run(input);
            outcome = new FuzzOutcome(FuzzOutcomeKind.Ok, "", 0);
        }
        catch (Exception e) when (target.IsTypedError(e))
        {
            outcome = new FuzzOutcome(FuzzOutcomeKind.TypedError, e.GetType().Name + ": " + Reason(e), 0);
        }
        catch (Exception e)
        {
            outcome = new FuzzOutcome(FuzzOutcomeKind.Crash, e.ToString(), 0);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long bound = AllocationBound(target, input.Length);
        if (allocated > bound && outcome.Kind != FuzzOutcomeKind.Crash)
        {
            return new FuzzOutcome(FuzzOutcomeKind.Memory, $"allocated {allocated} bytes for a {input.Length}-byte input (bound {bound}); {outcome.Kind} {outcome.Detail}", allocated);
        }

        return outcome with { AllocatedBytes = allocated };
    }

    private static string Reason(Exception e) => e is VmState.Wire.VmStateException v ? v.Reason : e.Message;
}
