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

    [VmStateField("sra")] public byte Sra;
    [VmStateField("srb")] public byte Srb;
    [VmStateField("dor_vmstate")] public byte DorVmState;
    [VmStateField("tdr")] public byte Tdr;
    [VmStateField("dsr")] public byte Dsr;
    [VmStateField("msr")] public byte Msr = MsrRqm;
    [VmStateField("status0")] public byte Status0;
    [VmStateField("status1")] public byte Status1;
    [VmStateField("status2")] public byte Status2;

    public int FifoSize = SectorLength;

    [VmStateField("fifo", Count = nameof(FifoSize), AsArray = true)] public byte[] Fifo = new byte[SectorLength];
    [VmStateField("data_pos")] public uint DataPos;
    [VmStateField("data_len")] public uint DataLen;
    [VmStateField("data_state")] public byte DataState;
    [VmStateField("data_dir")] public byte DataDir;
    [VmStateField("eot")] public byte Eot;
    [VmStateField("timer0")] public byte Timer0;
    [VmStateField("timer1")] public byte Timer1;
    [VmStateField("precomp_trk")] public byte PrecompTrk;
    [VmStateField("config")] public byte Config;
    [VmStateField("lock")] public byte Lock;
    [VmStateField("pwrd")] public byte Pwrd;
    [VmStateField("num_floppies", Equal = true)] public byte NumFloppies = MaxDrives;
    [VmStateField("drives", Length = MaxDrives, Since = 1)] public FloppyDrive[] Drives = [new(), new()];

    [VmStateField("reset_sensei", Subsection = ResetSenseiSubsection)] public int ResetSensei;
    [VmStateField("result_timer", Subsection = ResultTimerSubsection)] public VmTimer ResultTimer;
    [VmStateField("phase", Subsection = PhaseSubsection)] public byte Phase = PhaseCommand;

    public byte Dor;
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
