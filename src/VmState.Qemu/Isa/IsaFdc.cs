using VmState.Codecs;
using VmState.Description;

namespace VmState.Qemu.Isa;

/// <summary>
/// QEMU 7.2's ISA floppy controller (<c>hw/block/fdc.c</c>, device type "isa-fdc"; pc only): one struct field holding
/// the controller state, whose description has the same name as the section's.
/// </summary>
[VmState("fdc", Version = 2, MinimumVersion = 2, DeviceType = "isa-fdc")]
public sealed partial class IsaFdc
{
    /// <summary>The controller state.</summary>
    [VmStateField("state")] public FdcController State = new();

    /// <summary>The command/result FIFO (one sector).</summary>
    public byte[] Fifo => State.Fifo;
    /// <summary>The two drives.</summary>
    public FloppyDrive[] Drives => State.Drives;
}

/// <summary>The floppy controller proper (<c>FDCtrl</c>, C sizeof 672).</summary>
[VmState("fdc", Version = 2, MinimumVersion = 2, DumpSize = 672)]
[Subsection(ResetSenseiSubsection)]
[Subsection(ResultTimerSubsection)]
[Subsection(PhaseSubsection)]
public sealed partial class FdcController
{
    /// <summary>Drives on the controller.</summary>
    public const int MaxDrives = 2;
    /// <summary>Bytes in the FIFO.</summary>
    public const int SectorLength = 512;

    private const string ResetSenseiSubsection = "fdc/reset_sensei";
    private const string ResultTimerSubsection = "fdc/result_timer";
    private const string PhaseSubsection = "fdc/phase";

    private const byte DorSelectMask = 0x01;
    private const byte MsrNonDma = 0x20, MsrDio = 0x40, MsrRqm = 0x80;
    private const byte PhaseReconstruct = 0, PhaseCommand = 1, PhaseExecution = 2, PhaseResult = 3;

    /// <summary>Status register A.</summary>
    [VmStateField("sra")] public byte Sra;
    /// <summary>Status register B.</summary>
    [VmStateField("srb")] public byte Srb;
    /// <summary>QEMU's <c>dor_vmstate</c>.</summary>
    [VmStateField("dor_vmstate")] public byte DorVmState;
    /// <summary>Tape drive register.</summary>
    [VmStateField("tdr")] public byte Tdr;
    /// <summary>Data-rate select register.</summary>
    [VmStateField("dsr")] public byte Dsr;
    /// <summary>Main status register.</summary>
    [VmStateField("msr")] public byte Msr = MsrRqm;
    /// <summary>Result status bytes ST0-ST2.</summary>
    [VmStateField("status0")] public byte Status0;
    /// <summary>ST1.</summary>
    [VmStateField("status1")] public byte Status1;
    /// <summary>ST2.</summary>
    [VmStateField("status2")] public byte Status2;

    /// <summary>Fifo size.</summary>
    public int FifoSize = SectorLength;

    /// <summary>QEMU's <c>fifo</c>.</summary>
    [VmStateField("fifo", Count = nameof(FifoSize), AsArray = true)] public byte[] Fifo = new byte[SectorLength];
    /// <summary>Position in the FIFO.</summary>
    [VmStateField("data_pos")] public uint DataPos;
    /// <summary>Bytes of the current transfer.</summary>
    [VmStateField("data_len")] public uint DataLen;
    /// <summary>Transfer state flags.</summary>
    [VmStateField("data_state")] public byte DataState;
    /// <summary>Transfer direction.</summary>
    [VmStateField("data_dir")] public byte DataDir;
    /// <summary>End-of-track sector.</summary>
    [VmStateField("eot")] public byte Eot;
    /// <summary>QEMU's <c>timer0</c>.</summary>
    [VmStateField("timer0")] public byte Timer0;
    /// <summary>QEMU's <c>timer1</c>.</summary>
    [VmStateField("timer1")] public byte Timer1;
    /// <summary>QEMU's <c>precomp_trk</c>.</summary>
    [VmStateField("precomp_trk")] public byte PrecompTrk;
    /// <summary>QEMU's <c>config</c>.</summary>
    [VmStateField("config")] public byte Config;
    /// <summary>QEMU's <c>lock</c>.</summary>
    [VmStateField("lock")] public byte Lock;
    /// <summary>QEMU's <c>pwrd</c>.</summary>
    [VmStateField("pwrd")] public byte Pwrd;
    /// <summary>QEMU's <c>num_floppies</c>.</summary>
    [VmStateField("num_floppies", Equal = true)] public byte NumFloppies = MaxDrives;
    /// <summary>QEMU's <c>drives</c>.</summary>
    [VmStateField("drives", Length = MaxDrives, Since = 1)] public FloppyDrive[] Drives = [new(), new()];

    /// <summary>SENSE INTERRUPT STATUS replies still owed after a reset.</summary>
    [VmStateField("reset_sensei", Subsection = ResetSenseiSubsection)] public int ResetSensei;
    /// <summary>The timer that delivers a delayed result.</summary>
    [VmStateField("result_timer", Subsection = ResultTimerSubsection)] public VmTimer ResultTimer;
    /// <summary>Command phase: 1 command, 2 execution, 3 result.</summary>
    [VmStateField("phase", Subsection = PhaseSubsection)] public byte Phase = PhaseCommand;

    /// <summary>Digital output register without the drive select bits.</summary>
    public byte Dor;
    /// <summary>The selected drive.</summary>
    public byte CurrentDrive;

    // The phase as QEMU 2.3 implied it from MSR, before the phase was migrated.
    private byte ReconstructPhase() =>
        (Msr & MsrNonDma) != 0 || (Msr & MsrRqm) == 0 ? PhaseExecution : (Msr & MsrDio) != 0 ? PhaseResult : PhaseCommand;

    [Needed(ResetSenseiSubsection)]
    private bool IsResetSenseiNeeded() => ResetSensei != 0;

    [Needed(ResultTimerSubsection)]
    private bool IsResultTimerNeeded() => ResultTimer.IsArmed;

    [Needed(PhaseSubsection)]
    private bool IsPhaseNeeded() => ReconstructPhase() != Phase;

    [PreSave]
    private void BeforeSave() => DorVmState = (byte)(Dor | CurrentDrive);

    [PreLoad]
    private void BeforeLoad() => Phase = PhaseReconstruct;

    [PostLoad]
    private void AfterLoad()
    {
        CurrentDrive = (byte)(DorVmState & DorSelectMask);
        Dor = (byte)(DorVmState & ~DorSelectMask);
        if (Phase == PhaseReconstruct)
        {
            Phase = ReconstructPhase();
        }
    }
}

/// <summary>One floppy drive of the controller (<c>FDrive</c>, C sizeof 48).</summary>
[VmState("fdrive", DumpSize = 48)]
[Subsection(MediaChangedSubsection)]
[Subsection(MediaRateSubsection)]
[Subsection(PerpendicularSubsection)]
public sealed partial class FloppyDrive
{
    private const string MediaChangedSubsection = "fdrive/media_changed";
    private const string MediaRateSubsection = "fdrive/media_rate";
    private const string PerpendicularSubsection = "fdrive/perpendicular";

    /// <summary>Head the drive is on.</summary>
    [VmStateField("head")] public byte Head;
    /// <summary>Track the drive is on.</summary>
    [VmStateField("track")] public byte Track;
    /// <summary>Sector the drive is on.</summary>
    [VmStateField("sect")] public byte Sect;

    /// <summary>The disk-change line (1 until a seek after a media change).</summary>
    [VmStateField("media_changed", Subsection = MediaChangedSubsection)] public byte MediaChanged = 1;
    /// <summary>Data rate of the inserted medium.</summary>
    [VmStateField("media_rate", Subsection = MediaRateSubsection)] public byte MediaRate;
    /// <summary>Perpendicular recording mode.</summary>
    [VmStateField("perpendicular", Subsection = PerpendicularSubsection)] public byte Perpendicular;

    /// <summary>A block backend is attached to the drive (none on the default pc).</summary>
    public bool HasBackend;

    /// <summary>The controller's "check_media_rate" property (on by default).</summary>
    public bool CheckMediaRate = true;

    [Needed(MediaChangedSubsection)]
    private bool IsMediaChangedNeeded() => HasBackend && MediaChanged != 1;

    [Needed(MediaRateSubsection)]
    private bool IsMediaRateNeeded() => CheckMediaRate;

    [Needed(PerpendicularSubsection)]
    private bool IsPerpendicularNeeded() => Perpendicular != 0;
}
