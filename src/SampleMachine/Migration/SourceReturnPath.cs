using System.Diagnostics;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Migration;

/// <summary>
/// A source's reader of QEMU's return path, on its own thread for the whole migration: PONGs (PING 3, inside the
/// postcopy package, is answered once the destination loaded the devices and starts the guest: the end of the
/// downtime), page requests (queued on the RAM section, and <see cref="Wake"/> released so the sender serves them at
/// once), and SHUT, after which our destination's reply lines follow.
/// </summary>
internal sealed class SourceReturnPath : IDisposable
{
    private readonly ReturnPathReader _reader;
    private readonly RamSection _ram;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _ended = new(false);
    private long _runAcknowledged;
    private readonly bool _switchoverAck;
    private readonly ManualResetEventSlim _switchoverAcked = new(false);

    /// <summary>True once SWITCHOVER_ACK came.</summary>
    public bool SwitchoverAcked => _switchoverAcked.IsSet;

    /// <summary>Waits for SWITCHOVER_ACK; false when it did not come in time (or the reader ended).</summary>
    public bool WaitSwitchoverAck(TimeSpan timeout)
    {
        WaitHandle.WaitAny([_switchoverAcked.WaitHandle, _ended.WaitHandle], timeout);
        return _switchoverAcked.IsSet;
    }

    public SourceReturnPath(Stream connection, RamSection ram, bool switchoverAck = false)
    {
        _switchoverAck = switchoverAck;
        _reader = new ReturnPathReader(connection, maxMessage: 1 << 20);
        _ram = ram;
        _thread = new Thread(Run) { IsBackground = true, Name = "return path" };
        _thread.Start();
    }

    private readonly System.Collections.Concurrent.BlockingCollection<ReturnPathMessage> _bitmaps = new();
    private readonly ManualResetEventSlim _resumeAcked = new(false);

    /// <summary>The next RECV_BITMAP answer of a resume; null when none came within <paramref name="timeout"/> or the reader ended.</summary>
    public ReturnPathMessage? NextBitmap(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return _bitmaps.TryTake(out ReturnPathMessage? message, Timeout.Infinite, cancel.Token) ? message : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits for RESUME_ACK; false when it did not come (or the reader ended first).</summary>
    public bool WaitResumeAck(TimeSpan timeout)
    {
        WaitHandle.WaitAny([_resumeAcked.WaitHandle, _ended.WaitHandle], timeout);
        return _resumeAcked.IsSet;
    }

    /// <summary>Released for every page request (and when the reader ends), so a pacing sender wakes up.</summary>
    public SemaphoreSlim Wake { get; } = new(0);

    /// <summary>SHUT's value once it came (0: the destination loaded everything).</summary>
    public uint? Shut { get; private set; }

    /// <summary>Why the return path failed: a bad message, a bad request, or the connection.</summary>
    public Exception? Error { get; private set; }

    /// <summary>When PONG 3 came (a <see cref="Stopwatch"/> timestamp; 0: not yet).</summary>
    public long RunAcknowledged => Interlocked.Read(ref _runAcknowledged);

    /// <summary>Waits for the reader to end (SHUT, the end of the connection, or an error).</summary>
    public bool WaitEnded(TimeSpan timeout) => _ended.Wait(timeout);

    /// <summary>True once the reader ended.</summary>
    public bool Ended => _ended.IsSet;

    /// <summary>The reply lines after SHUT, starting with what the reader had already taken off the connection.</summary>
    public ReplyLines Lines(Stream connection) => new(_reader.Leftover.ToArray(), connection);

    public void Dispose()
    {
        _ended.Dispose();
        Wake.Dispose();
        _bitmaps.Dispose();
        _resumeAcked.Dispose();
        _switchoverAcked.Dispose();
    }

    private void Run()
    {
        try
        {
            while (_reader.Read(allowSwitchoverAck: _switchoverAck) is { } message)
            {
                switch (message.Type)
                {
                    case QemuReturnPathMessageType.Pong when message.Value == 3:
                        Interlocked.Exchange(ref _runAcknowledged, Stopwatch.GetTimestamp());
                        break;
                    case QemuReturnPathMessageType.ReqPages or QemuReturnPathMessageType.ReqPagesId:
                        _ram.QueuePageRequest(message.Block, message.Start, message.Size);
                        Wake.Release();
                        break;
                    case QemuReturnPathMessageType.RecvBitmap:
                        _bitmaps.Add(message);
                        break;
                    case QemuReturnPathMessageType.ResumeAck:
                        _resumeAcked.Set();
                        break;
                    case QemuReturnPathMessageType.SwitchoverAck:
                        _switchoverAcked.Set();
                        break;
                    case QemuReturnPathMessageType.Shut:
                        Shut = message.Value;
                        return;
                }
            }

            Error = new IOException("The destination closed the connection without ending its return path (no SHUT)");
        }
        catch (Exception e) when (e is IOException or VmStateLoadException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Error = e;
        }
        finally
        {
            _bitmaps.CompleteAdding();
            _ended.Set();
            try
            {
                Wake.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
