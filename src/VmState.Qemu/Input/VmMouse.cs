using VmState.Description;

namespace VmState.Qemu.Input;

/// <summary>QEMU 7.2's VMware absolute mouse over the backdoor port (<c>hw/i386/vmmouse.c</c>, device type "vmmouse").</summary>
[VmState("vmmouse", Version = 0)]
public sealed partial class VmMouse
{
    /// <summary>Words in the event queue.</summary>
    public const int QueueLength = 1024;

    /// <summary>The queue length; a stream from a build with another one is refused.</summary>
    [VmStateField("queue_size", Equal = true)] public int QueueSize = QueueLength;

    /// <summary>Event words waiting for the guest (four per event).</summary>
    [VmStateField("queue", Length = QueueLength)] public uint[] Queue = new uint[QueueLength];

    /// <summary>Words queued.</summary>
    [VmStateField("nb_queue")] public ushort NbQueue;

    /// <summary>Status word: 0 when enabled, 0xffff while disabled (as after reset), else an error code.</summary>
    [VmStateField("status")] public ushort Status = 0xffff;

    /// <summary>Absolute (tablet) rather than relative reporting.</summary>
    [VmStateField("absolute")] public byte Absolute;
}
