using VmState.Description;

namespace VmState.Qemu.Input;

/// <summary>
/// The part QEMU 7.2's PS/2 keyboard and mouse share (<c>PS2State</c> in <c>hw/input/ps2.c</c>, C sizeof 1104): the
/// byte queue towards the controller and the command awaiting its argument.
/// </summary>
// QEMU numbers this description 3 although no field needs it; the version is kept as shipped.
#pragma warning disable VMS0111
[VmState("PS2 Common State", Version = 3, MinimumVersion = 2, DumpSize = 1104)]
#pragma warning restore VMS0111
public sealed partial class Ps2Common
{
    /// <summary>Bytes in the ring buffer.</summary>
    public const int BufferSize = 256;
    /// <summary>Most scan codes or movement bytes the queue holds.</summary>
    public const int QueueSize = 16;
    /// <summary>Most command replies the queue holds ahead of them.</summary>
    public const int QueueHeadroom = 8;

    /// <summary>The command whose argument byte comes next, or -1.</summary>
    [VmStateField("write_cmd")] public int WriteCmd = -1;

    /// <summary>Read index into <see cref="Data"/>.</summary>
    [VmStateField("queue.rptr")] public int Rptr;

    /// <summary>Write index into <see cref="Data"/>.</summary>
    [VmStateField("queue.wptr")] public int Wptr;

    /// <summary>Bytes queued.</summary>
    [VmStateField("queue.count")] public int QueueCount;

    /// <summary>The ring buffer.</summary>
    [VmStateField("queue.data", Length = BufferSize)] public byte[] Data = new byte[BufferSize];

    /// <summary>End of the command replies at the head of the queue, or -1 when there are none (the keyboard migrates it).</summary>
    public int Cwptr = -1;

    /// <summary>
    /// Brings loaded queue indexes back in range: at most <see cref="QueueHeadroom"/> replies and
    /// <see cref="QueueSize"/> other bytes, the write indexes recomputed from the read index and the count.
    /// </summary>
    public void SanitizeQueue()
    {
        const int wrap = BufferSize - 1;
        int replies = Cwptr == -1 ? 0 : Math.Min((Cwptr - Rptr) & wrap, QueueHeadroom);
        QueueCount = Math.Clamp(QueueCount, replies, replies + QueueSize);
        Rptr &= wrap;
        Wptr = (Rptr + QueueCount) & wrap;
        Cwptr = replies == 0 ? -1 : (Rptr + replies) & wrap;
    }
}
