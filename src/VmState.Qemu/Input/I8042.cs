using VmState.Description;

namespace VmState.Qemu.Input;

/// <summary>
/// QEMU 7.2's i8042 keyboard controller on the ISA bus (<c>hw/input/pckbd.c</c>, device type "i8042"): one struct
/// field holding the controller state, whose description has the same name as the section's.
/// </summary>
[VmState("pckbd", Version = 3, MinimumVersion = 3, DeviceType = "i8042")]
public sealed partial class I8042
{
    /// <summary>The controller state.</summary>
    [VmStateField("kbd")] public I8042Controller Kbd = new();

}

/// <summary>The i8042 controller state proper (<c>KBDState</c>, C sizeof 2328).</summary>
[VmState("pckbd", Version = 3, MinimumVersion = 3, DumpSize = 2328)]
[Subsection(OutportSubsection)]
[Subsection(ExtendedSubsection, Version = 0)]
public sealed partial class I8042Controller
{
    private const string OutportSubsection = "pckbd_outport";
    private const string ExtendedSubsection = "pckbd/extended_state";

    // Status and output port bits.
    private const byte StatObf = 0x01, StatMouseObf = 0x20;
    private const byte OutReset = 0x01, OutA20 = 0x02, OutObf = 0x10, OutMouseObf = 0x20, OutOnes = 0xcc;

    // Pending bits: the pre-extended-state encoding, the controller's own sources, the extended encoding.
    private const byte PendingKbdCompat = 0x01, PendingAuxCompat = 0x02;
    private const byte PendingCtrlKbd = 0x04, PendingCtrlAux = 0x08, PendingKbd = 0x10, PendingAux = 0x20;
    private const uint MigrationTimerPending = 0x1;
    private const uint ObSrcKbd = 0x01, ObSrcMouse = 0x02;

    private bool _outportLoaded;
    private bool _extendedLoaded;

    /// <summary>The controller command awaiting its data byte, or 0.</summary>
    [VmStateField("write_cmd")] public byte WriteCmd;
    /// <summary>Status register.</summary>
    [VmStateField("status")] public byte Status = 0x18;
    /// <summary>Controller mode (command byte).</summary>
    [VmStateField("mode")] public byte Mode = 0x03;
    /// <summary>QEMU's <c>pending_tmp</c>.</summary>
    [VmStateField("pending_tmp")] public byte PendingTmp;

    /// <summary>Output port P2 (A20 and reset lines).</summary>
    [VmStateField("outport", Subsection = OutportSubsection)]
    public byte Outport = OutReset | OutA20 | OutOnes;

    /// <summary>QEMU's <c>migration_flags</c>.</summary>
    [VmStateField("migration_flags", Subsection = ExtendedSubsection)] public uint MigrationFlags;
    /// <summary>The source of the byte in the output buffer.</summary>
    [VmStateField("obsrc", Subsection = ExtendedSubsection)] public uint ObSrc;
    /// <summary>The byte in the output buffer.</summary>
    [VmStateField("obdata", Subsection = ExtendedSubsection)] public byte ObData;
    /// <summary>The controller's own pending reply byte.</summary>
    [VmStateField("cbdata", Subsection = ExtendedSubsection)] public byte CbData;

    /// <summary>Sources with data waiting (the extended-state encoding).</summary>
    public byte Pending;
    /// <summary>Whether the keyboard throttle timer is armed.</summary>
    public bool ThrottleTimerPending;
    /// <summary>The "extended-state" property (on for 7.2 machines): sends <c>pckbd/extended_state</c>.</summary>
    public bool ExtendedState = true;

    private byte OutportDefault() => (byte)(OutReset | OutA20 | OutOnes
        | ((Status & StatObf) != 0 ? OutObf : 0)
        | ((Status & StatMouseObf) != 0 ? OutMouseObf : 0));

    [Needed(OutportSubsection)]
    private bool IsOutportNeeded() => Outport != OutportDefault();

    [Needed(ExtendedSubsection)]
    private bool IsExtendedNeeded() => ExtendedState;

    [PreSave]
    private void BeforeSave()
    {
        if (ExtendedState)
        {
            PendingTmp = Pending;
        }
        else
        {
            PendingTmp = (byte)(((Pending & PendingKbd) != 0 ? PendingKbdCompat : 0) | ((Pending & PendingAux) != 0 ? PendingAuxCompat : 0));
        }
    }

    [PreSave(ExtendedSubsection)]
    private void BeforeExtendedSave() => MigrationFlags = ThrottleTimerPending ? MigrationTimerPending : 0;

    [PreLoad]
    private void BeforeLoad()
    {
        _outportLoaded = false;
        _extendedLoaded = false;
    }

    [PostLoad(OutportSubsection)]
    private void AfterOutportLoad() => _outportLoaded = true;

    [PostLoad(ExtendedSubsection)]
    private void AfterExtendedLoad()
    {
        ThrottleTimerPending = (MigrationFlags & MigrationTimerPending) != 0;
        _extendedLoaded = true;
    }

    [PostLoad]
    private void AfterLoad()
    {
        if (!_outportLoaded)
        {
            Outport = OutportDefault();
        }

        int pending = PendingTmp;
        if (!_extendedLoaded)
        {
            ObSrc = (Status & StatObf) == 0 ? 0 : (Status & StatMouseObf) != 0 ? ObSrcMouse : ObSrcKbd;
            pending |= ((pending & PendingKbdCompat) != 0 ? PendingKbd : 0) | ((pending & PendingAuxCompat) != 0 ? PendingAux : 0);
        }

        Pending = (byte)(pending & (PendingCtrlKbd | PendingCtrlAux | PendingKbd | PendingAux));
    }
}
