namespace VmState.Migration;

/// <summary>What a stream carries besides sections, on both sides (QEMU's migration properties).</summary>
public sealed record MigrationStreamOptions
{
    /// <summary>The machine type sent in the configuration section; the loader refuses a different one.</summary>
    public string MachineName { get; init; } = "vmstate";

    /// <summary>Sends and expects the configuration section (QEMU's <c>send-configuration</c>, on by default).</summary>
    public bool SendConfiguration { get; init; } = true;

    /// <summary>Sends and expects section footers (QEMU's <c>send-section-footer</c>, on by default).</summary>
    public bool SendSectionFooter { get; init; } = true;

    /// <summary>Appends the VMDESCRIPTION JSON after EOF (off is QEMU's <c>suppress-vmdesc</c>).</summary>
    public bool SendVmDescription { get; init; } = true;

    /// <summary>The target page size written as the VMDESCRIPTION's <c>page_size</c>.</summary>
    public int TargetPageSize { get; init; } = 4096;

    /// <summary>
    /// Target page bits sent in the <c>configuration/target-page-bits</c> subsection. Null (x86 and other fixed-page
    /// targets) leaves the subsection out, as QEMU does when the bits are the target's minimum.
    /// </summary>
    public int? TargetPageBits { get; init; }

    /// <summary>
    /// The source asks for QEMU's return path: OPEN_RETURN_PATH and PING 1 right after the configuration, as QEMU 7.2
    /// writes them with its <c>return-path</c> capability. The destination then answers on the same connection (PONG,
    /// and SHUT when it has loaded the stream); the loader takes the commands either way.
    /// </summary>
    public bool OpenReturnPath { get; init; }

    /// <summary>
    /// Postcopy may follow the precopy passes (QEMU's <c>postcopy-ram</c> capability): the source sends
    /// POSTCOPY_ADVISE after the return path's PING (so <see cref="OpenReturnPath"/> must be on too), and live
    /// sections count what is left as what postcopy can fetch.
    /// </summary>
    public bool Postcopy { get; init; }

    /// <summary>
    /// QEMU 8.1's <c>switchover-ack</c> capability, on both sides: the destination says SWITCHOVER_ACK on the return
    /// path once every live section that needs it approves (<see cref="LiveSectionHandler.LoadSwitchoverAckNeeded"/>),
    /// and the source stops its guest only after that. Needs <see cref="OpenReturnPath"/>. QEMU 7.2 has no such message.
    /// </summary>
    public bool SwitchoverAck { get; init; }

    /// <summary>Defaults: configuration, footers and VMDESCRIPTION on.</summary>
    public static MigrationStreamOptions Default { get; } = new();
}
