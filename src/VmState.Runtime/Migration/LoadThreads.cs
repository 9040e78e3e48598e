using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// The load side's worker pool (QEMU 10.0's load threads): a live section's <see cref="LiveSectionHandler.LoadState"/>
/// hands work to it (decoding a buffer it read, say) and goes on reading the stream. The load does not complete until
/// every piece of work has ended; the first failure cancels the rest and fails the load, which then rolls back as any
/// failed load does, after every worker has stopped.
/// </summary>
public sealed class LoadThreads : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<Task> _running = [];
    private readonly List<(string Section, Action<CancellationToken> Work)> _pending = [];
    private readonly object _gate = new();
    private (string Section, Exception Error)? _failure;

    internal LoadThreads(int workers)
    {
        Workers = workers;
        _slots = new SemaphoreSlim(workers, workers);
    }

    /// <summary>How many pieces of work run at once at most.</summary>
    public int Workers { get; }

    /// <summary>
    /// Hands <paramref name="work"/> for <paramref name="section"/> (named in the error if it fails) to a worker. It
    /// starts once the frame being loaded has been read whole (a frame parsed again because the network had not
    /// delivered all of it yet hands its work over once, not twice), after waiting for a free worker, so a fast stream
    /// cannot queue unbounded work. It should stop early when its token is cancelled.
    /// </summary>
    /// <exception cref="VmStateLoadException">Work already failed: the load is failing.</exception>
    public void Start(string section, Action<CancellationToken> work)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(work);
        ThrowIfFailed();
        _pending.Add((section, work));
    }

    // The frame was read whole: its work goes to the workers.
    internal void Launch()
    {
        foreach ((string section, Action<CancellationToken> work) in _pending)
        {
            _slots.Wait();
            CancellationToken token = _cancel.Token;
            Task task = Task.Run(() =>
            {
                try
                {
                    work(token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    lock (_gate)
                    {
                        _failure ??= (section, e);
                    }

                    _cancel.Cancel();
                }
                finally
                {
                    _slots.Release();
                }
            });
            lock (_gate)
            {
                _running.Add(task);
            }
        }

        _pending.Clear();
    }

    // The frame will be parsed again: what it handed over will be handed over again.
    internal void DropPending() => _pending.Clear();

    // The end of the stream: every piece of work must have ended well.
    internal void WaitAll()
    {
        Task[] tasks;
        lock (_gate)
        {
            tasks = [.. _running];
        }

        Task.WaitAll(tasks);
        ThrowIfFailed();
    }

    // A failing load: nothing may still write when the rollback starts.
    internal void CancelAndWait()
    {
        _cancel.Cancel();
        Task[] tasks;
        lock (_gate)
        {
            tasks = [.. _running];
        }

        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException)
        {
            // Each failure is recorded by its task; the load fails for its own reason.
        }
    }

    /// <summary>Releases the pool once the load ended (the loader does this; the work has stopped by then).</summary>
    public void Dispose()
    {
        _cancel.Dispose();
        _slots.Dispose();
    }

    private void ThrowIfFailed()
    {
        (string Section, Exception Error)? failure;
        lock (_gate)
        {
            failure = _failure;
        }

        if (failure is { } f)
        {
            throw new VmStateLoadException($"A load thread of section '{PrintableText.Escape(f.Section)}' failed: {PrintableText.OneLine(f.Error.Message)}", -1, f.Error) { Section = f.Section };
        }
    }
}
