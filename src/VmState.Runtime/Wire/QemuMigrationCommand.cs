namespace VmState.Wire;

/// <summary>QEMU's <c>MIG_CMD_*</c> values carried by a COMMAND frame (0x08).</summary>
public enum QemuMigrationCommand : ushort
{
    /// <summary>Never valid.</summary>
    Invalid = 0,

    /// <summary>The destination opens a return path to the source.</summary>
    OpenReturnPath = 1,

    /// <summary>be32 value, answered with a pong on the return path.</summary>
    Ping = 2,

    /// <summary>Postcopy may follow; 0 or 16 bytes of page-size information.</summary>
    PostcopyAdvise = 3,

    /// <summary>The destination starts listening for postcopy page requests.</summary>
    PostcopyListen = 4,

    /// <summary>The destination starts the guest in postcopy.</summary>
    PostcopyRun = 5,

    /// <summary>Pages the destination must discard before postcopy.</summary>
    PostcopyRamDiscard = 6,

    /// <summary>be32 length; that many bytes of a nested stream follow.</summary>
    Packaged = 7,

    /// <summary>COLO fault tolerance is enabled.</summary>
    EnableColo = 8,

    /// <summary>A paused postcopy resumes.</summary>
    PostcopyResume = 9,

    /// <summary>The source asks for a RAM block's received bitmap.</summary>
    RecvBitmap = 10,

    /// <summary>The source is about to stop the guest (QEMU 10.0 and later).</summary>
    SwitchoverStart = 11,
}
