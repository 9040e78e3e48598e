using System.Buffers;
using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// A destination's side of QEMU's return path, on the migration connection itself: once the source sends
/// OPEN_RETURN_PATH it answers each PING with a PONG of its value and, at the end, says SHUT (0 when the load
/// succeeded). QEMU 7.2's source with the <c>return-path</c> capability waits for that SHUT before it calls the
/// migration complete; without a return path nothing is written. During postcopy it also carries the guest's page
/// requests (<see cref="RequestPages"/>, from any thread).
/// </summary>
public sealed class ReturnPathWriter(Stream connection)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64);
    private readonly object _lock = new();
    private string? _lastRequested;

    /// <summary>True once the source opened the return path.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>
    /// The first <see cref="MaxRecorded"/> messages written, in order (for reports and tests; a long postcopy sends
    /// a page request per page it misses, which this must not hold on to).
    /// </summary>
    public List<ReturnPathMessage> Sent { get; } = [];

    /// <summary>How many messages <see cref="Sent"/> keeps at most.</summary>
    public const int MaxRecorded = 4096;

    /// <summary>Answers a command the loader took (<see cref="MigrationLoader.CommandReceived"/>).</summary>
    public void OnCommand(MigrationCommandFrame command)
    {
        ArgumentNullException.ThrowIfNull(command);
        switch (command.Command)
        {
            case QemuMigrationCommand.OpenReturnPath:
                IsOpen = true;
                break;
            case QemuMigrationCommand.Ping when IsOpen:
                Send(new ReturnPathMessage { Type = QemuReturnPathMessageType.Pong, Length = 4, Value = command.Value });
                break;
            case QemuMigrationCommand.PostcopyResume:
                // QEMU's acknowledgement carries 1.
                IsOpen = true;
                Send(new ReturnPathMessage { Type = QemuReturnPathMessageType.ResumeAck, Length = 4, Value = 1 });
                break;
        }
    }

    /// <summary>
    /// Asks the source for <paramref name="size"/> bytes at <paramref name="offset"/> of the RAM block named
    /// <paramref name="blockId"/> (postcopy): REQ_PAGES_ID when the block differs from the last request's, else
    /// REQ_PAGES, as QEMU words them. Safe from any thread.
    /// </summary>
    public void RequestPages(string blockId, ulong offset, uint size)
    {
        ArgumentNullException.ThrowIfNull(blockId);
        lock (_lock)
        {
            bool named = !string.Equals(blockId, _lastRequested, StringComparison.Ordinal);
            _lastRequested = blockId;
            Send(new ReturnPathMessage
            {
                Type = named ? QemuReturnPathMessageType.ReqPagesId : QemuReturnPathMessageType.ReqPages,
                Length = named ? 13 + System.Text.Encoding.UTF8.GetByteCount(blockId) : 12,
                Start = offset,
                Size = size,
                Block = named ? blockId : null,
            });
        }
    }

    /// <summary>
    /// Answers a resuming source's RECV_BITMAP (<see cref="MigrationLoader.ReceivedBitmapRequested"/>): the return path
    /// of a resumed connection is open from its first command, without OPEN_RETURN_PATH.
    /// </summary>
    public void SendReceivedBitmap(string blockId, byte[] bitmap)
    {
        ArgumentNullException.ThrowIfNull(blockId);
        ArgumentNullException.ThrowIfNull(bitmap);
        lock (_lock)
        {
            IsOpen = true;
            Send(new ReturnPathMessage { Type = QemuReturnPathMessageType.RecvBitmap, Length = 1 + System.Text.Encoding.UTF8.GetByteCount(blockId), Block = blockId, Bitmap = bitmap });
        }
    }

    /// <summary>QEMU 8.1's SWITCHOVER_ACK (no data): the source may stop its guest now (<see cref="MigrationLoader.SwitchoverApproved"/>).</summary>
    public void SwitchoverAck()
    {
        if (IsOpen)
        {
            Send(new ReturnPathMessage { Type = QemuReturnPathMessageType.SwitchoverAck, Length = 0 });
        }
    }

    /// <summary>Ends the return path: SHUT with 0 after a load that succeeded, 1 after one that failed.</summary>
    public void Shut(bool failed)
    {
        lock (_lock)
        {
            ShutLocked(failed);
        }
    }

    private void ShutLocked(bool failed)
    {
        if (IsOpen)
        {
            Send(new ReturnPathMessage { Type = QemuReturnPathMessageType.Shut, Length = 4, Value = failed ? 1u : 0u });
            IsOpen = false;
        }
    }

    private void Send(ReturnPathMessage message)
    {
        lock (_lock)
        {
            _buffer.ResetWrittenCount();
            var writer = new VmStateWriter(_buffer);
            ReturnPathMessage.Write(ref writer, message);
            writer.Flush();
            connection.Write(_buffer.WrittenSpan);
            connection.Flush();
            if (Sent.Count < MaxRecorded)
            {
                Sent.Add(message);
            }
        }
    }
}
