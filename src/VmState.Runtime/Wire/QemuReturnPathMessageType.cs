namespace VmState.Wire;

/// <summary>QEMU's <c>MIG_RP_MSG_*</c>: the messages a destination sends back on the migration connection.</summary>
public enum QemuReturnPathMessageType : ushort
{
    /// <summary>Never valid.</summary>
    Invalid = 0,

    /// <summary>be32: the destination is done with the return path (0: without error).</summary>
    Shut = 1,

    /// <summary>be32: the answer to a PING command with that value.</summary>
    Pong = 2,

    /// <summary>be64 start, be32 length, then the RAM block's counted name: pages wanted now (postcopy).</summary>
    ReqPagesId = 3,

    /// <summary>be64 start, be32 length: pages wanted now, in the block the last request named.</summary>
    ReqPages = 4,

    /// <summary>A RAM block's counted name; its received bitmap follows the message (postcopy recovery).</summary>
    RecvBitmap = 5,

    /// <summary>be32: the destination is ready to resume a paused postcopy.</summary>
    ResumeAck = 6,

    /// <summary>The destination approves the switchover (QEMU 8.1 and later; not known to 7.2).</summary>
    SwitchoverAck = 7,
}
