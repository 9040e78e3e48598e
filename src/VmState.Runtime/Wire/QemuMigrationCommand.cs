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

/// <summary>What QEMU knows of each command: the payload length it accepts (-1: variable) and its name.</summary>
internal static class MigrationCommandInfo
{
    public const int VariableLength = -1;

    /// <summary>Number of defined commands; a value at or above it is unknown.</summary>
    public const int Count = 12;

    public static int LengthOf(QemuMigrationCommand command) => command switch
    {
        QemuMigrationCommand.OpenReturnPath => 0,
        QemuMigrationCommand.Ping => 4,
        QemuMigrationCommand.PostcopyAdvise => VariableLength, // 0 or 16, checked apart
        QemuMigrationCommand.PostcopyListen => 0,
        QemuMigrationCommand.PostcopyRun => 0,
        QemuMigrationCommand.PostcopyRamDiscard => VariableLength,
        QemuMigrationCommand.Packaged => 4,
        QemuMigrationCommand.EnableColo => 0,
        QemuMigrationCommand.PostcopyResume => 0,
        QemuMigrationCommand.RecvBitmap => VariableLength,
        QemuMigrationCommand.SwitchoverStart => 0,
        _ => VariableLength,
    };

    public static string NameOf(QemuMigrationCommand command) => command switch
    {
        QemuMigrationCommand.OpenReturnPath => "OPEN_RETURN_PATH",
        QemuMigrationCommand.Ping => "PING",
        QemuMigrationCommand.PostcopyAdvise => "POSTCOPY_ADVISE",
        QemuMigrationCommand.PostcopyListen => "POSTCOPY_LISTEN",
        QemuMigrationCommand.PostcopyRun => "POSTCOPY_RUN",
        QemuMigrationCommand.PostcopyRamDiscard => "POSTCOPY_RAM_DISCARD",
        QemuMigrationCommand.Packaged => "PACKAGED",
        QemuMigrationCommand.EnableColo => "ENABLE_COLO",
        QemuMigrationCommand.PostcopyResume => "POSTCOPY_RESUME",
        QemuMigrationCommand.RecvBitmap => "RECV_BITMAP",
        QemuMigrationCommand.SwitchoverStart => "SWITCHOVER_START",
        _ => "INVALID",
    };
}
