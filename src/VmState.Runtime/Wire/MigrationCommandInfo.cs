namespace VmState.Wire;

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
