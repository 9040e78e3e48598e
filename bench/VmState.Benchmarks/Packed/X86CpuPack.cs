using MemoryPack;
using VmState.Benchmarks.HandWritten;
using VmState.Qemu.X86;

namespace VmState.Benchmarks.Packed;

/// <summary>
/// The vCPU state of <see cref="X86CpuPlain"/> for MemoryPack: the same members (the nested state flattened in,
/// the configuration the needed rules read included), in MemoryPack's own little-endian format. Segment and x87
/// register arrays are unmanaged structs, which MemoryPack copies as raw memory.
/// </summary>
[MemoryPackable]
public sealed partial class X86CpuPack
{
    public ulong[] Regs = [];
    public ulong Eip;
    public ulong Eflags;
    public uint Hflags;
    public ushort Fpuc;
    public ushort Fpus;
    public int Fpstt;
    public byte[] FpTags = [];
    public ushort FpregsFormat;
    public FpRegPlain[] FpRegs = [];
    public SegmentPlain[] Segs = [];
    public SegmentPlain Ldt;
    public SegmentPlain Tr;
    public SegmentPlain Gdt;
    public SegmentPlain Idt;
    public uint SysenterCs;
    public ulong SysenterEsp;
    public ulong SysenterEip;
    public ulong[] Cr = [];
    public ulong[] Dr = [];
    public int A20Mask;
    public uint Mxcsr;
    public ulong[] Zmm = [];
    public ulong Efer;
    public ulong Star;
    public ulong Lstar;
    public ulong Cstar;
    public ulong Fmask;
    public ulong KernelGsBase;
    public uint Smbase;
    public ulong Pat;
    public uint Hflags2;
    public ulong VmHsave;
    public ulong VmVmcb;
    public ulong TscOffset;
    public ulong Intercept;
    public ushort InterceptCrRead;
    public ushort InterceptCrWrite;
    public ushort InterceptDrRead;
    public ushort InterceptDrWrite;
    public uint InterceptExceptions;
    public byte VTpr;
    public ulong[] MtrrFixed = [];
    public ulong MtrrDeftype;
    public ulong[] MtrrVars = [];
    public int InterruptInjected;
    public uint MpState;
    public ulong Tsc;
    public int ExceptionNr;
    public byte SoftInterrupt;
    public byte NmiInjected;
    public byte NmiPending;
    public byte HasErrorCode;
    public uint SipiVector;
    public ulong McgCap;
    public ulong McgStatus;
    public ulong McgCtl;
    public ulong[] MceBanks = [];
    public ulong TscAux;
    public ulong SystemTimeMsr;
    public ulong WallClockMsr;
    public ulong Xcr0;
    public ulong XstateBv;
    public byte ExceptionPending;
    public byte ExceptionInjected;
    public byte ExceptionHasPayload;
    public ulong ExceptionPayload;
    public ulong AsyncPfEnMsr;
    public ulong AsyncPfIntMsr;
    public ulong PvEoiEnMsr;
    public ulong StealTimeMsr;
    public ulong PollControlMsr;
    public ushort Fpop;
    public ulong Fpip;
    public ulong Fpdp;
    public ulong TscAdjust;
    public ulong TscDeadline;
    public ulong MsrIa32MiscEnable;
    public ulong MsrIa32FeatureControl;
    public ulong MsrFixedCtrCtrl;
    public ulong MsrGlobalCtrl;
    public ulong MsrGlobalStatus;
    public ulong MsrGlobalOvfCtrl;
    public ulong[] MsrFixedCounters = [];
    public ulong[] MsrGpCounters = [];
    public ulong[] MsrGpEvtsel = [];
    public ulong[] BndRegs = [];
    public ulong BndcsCfgu;
    public ulong BndcsSts;
    public ulong MsrBndcfgs;
    public ulong MsrHvGuestOsId;
    public ulong MsrHvHypercall;
    public ulong MsrHvVapic;
    public ulong MsrHvTsc;
    public ulong[] MsrHvCrashParams = [];
    public ulong MsrHvRuntime;
    public ulong MsrHvSynicControl;
    public ulong MsrHvSynicEvtPage;
    public ulong MsrHvSynicMsgPage;
    public ulong[] MsrHvSynicSint = [];
    public ulong[] MsrHvStimerConfig = [];
    public ulong[] MsrHvStimerCount = [];
    public ulong MsrHvReenlightenmentControl;
    public ulong MsrHvTscEmulationControl;
    public ulong MsrHvTscEmulationStatus;
    public ulong[] OpmaskRegs = [];
    public ulong Xss;
    public uint Umwait;
    public long TscKhz;
    public ulong MsrSmiCount;
    public uint Pkru;
    public uint Pkrs;
    public ulong SpecCtrl;
    public ulong AmdTscScale;
    public ulong McgExtCtl;
    public ulong MsrRtitCtrl;
    public ulong MsrRtitStatus;
    public ulong MsrRtitOutputBase;
    public ulong MsrRtitOutputMask;
    public ulong MsrRtitCr3Match;
    public ulong[] MsrRtitAddrs = [];
    public ulong VirtSsbd;
    public ulong NestedCr3;
    public uint NestedPgMode;
    public uint IntCtl;
    public ushort NestedFlags;
    public ushort NestedFormat;
    public uint NestedSize;
    public ulong NestedVmxonPa;
    public ulong NestedVmcs12Pa;
    public ushort NestedVmxSmmFlags;
    public byte[] NestedVmcs12 = [];
    public byte[] NestedShadowVmcs12 = [];
    public ulong NestedVmcbPa;
    public byte[] NestedVmcb12 = [];
    public uint TsxCtrl;
    public ulong[] MsrIa32SgxLePubKeyHash = [];
    public ulong[] Pdptrs = [];
    public ulong MsrXfd;
    public ulong MsrXfdErr;
    public byte[] XtileCfg = [];
    public byte[] XtileData = [];
    public ulong MsrLbrCtl;
    public ulong MsrLbrDepth;
    public ulong[] LbrRecords = [];
    public byte TripleFaultPending;
    public X86CpuFeatures Features;
    public bool IsEmulated;
    public bool MigrateSmiCount;
    public bool EnableLmce;
    public bool SaveTscKhz;
    public long UserTscKhz;
    public bool HasNestedState;
    public bool PdptrsValid;

    /// <summary>A copy of <paramref name="s"/>'s state (arrays copied, so the two never alias).</summary>
    public static X86CpuPack From(X86CpuPlain s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new X86CpuPack
        {
            Regs = [.. s.Regs],
            Eip = s.Eip,
            Eflags = s.Eflags,
            Hflags = s.Hflags,
            Fpuc = s.Fpuc,
            Fpus = s.Fpus,
            Fpstt = s.Fpstt,
            FpTags = [.. s.FpTags],
            FpregsFormat = s.FpregsFormat,
            FpRegs = [.. s.FpRegs],
            Segs = [.. s.Segs],
            Ldt = s.Ldt,
            Tr = s.Tr,
            Gdt = s.Gdt,
            Idt = s.Idt,
            SysenterCs = s.SysenterCs,
            SysenterEsp = s.SysenterEsp,
            SysenterEip = s.SysenterEip,
            Cr = [.. s.Cr],
            Dr = [.. s.Dr],
            A20Mask = s.A20Mask,
            Mxcsr = s.Mxcsr,
            Zmm = [.. s.Zmm],
            Efer = s.Efer,
            Star = s.Star,
            Lstar = s.Lstar,
            Cstar = s.Cstar,
            Fmask = s.Fmask,
            KernelGsBase = s.KernelGsBase,
            Smbase = s.Smbase,
            Pat = s.Pat,
            Hflags2 = s.Hflags2,
            VmHsave = s.VmHsave,
            VmVmcb = s.VmVmcb,
            TscOffset = s.TscOffset,
            Intercept = s.Intercept,
            InterceptCrRead = s.InterceptCrRead,
            InterceptCrWrite = s.InterceptCrWrite,
            InterceptDrRead = s.InterceptDrRead,
            InterceptDrWrite = s.InterceptDrWrite,
            InterceptExceptions = s.InterceptExceptions,
            VTpr = s.VTpr,
            MtrrFixed = [.. s.MtrrFixed],
            MtrrDeftype = s.MtrrDeftype,
            MtrrVars = [.. s.MtrrVars],
            InterruptInjected = s.InterruptInjected,
            MpState = s.MpState,
            Tsc = s.Tsc,
            ExceptionNr = s.ExceptionNr,
            SoftInterrupt = s.SoftInterrupt,
            NmiInjected = s.NmiInjected,
            NmiPending = s.NmiPending,
            HasErrorCode = s.HasErrorCode,
            SipiVector = s.SipiVector,
            McgCap = s.McgCap,
            McgStatus = s.McgStatus,
            McgCtl = s.McgCtl,
            MceBanks = [.. s.MceBanks],
            TscAux = s.TscAux,
            SystemTimeMsr = s.SystemTimeMsr,
            WallClockMsr = s.WallClockMsr,
            Xcr0 = s.Xcr0,
            XstateBv = s.XstateBv,
            ExceptionPending = s.ExceptionPending,
            ExceptionInjected = s.ExceptionInjected,
            ExceptionHasPayload = s.ExceptionHasPayload,
            ExceptionPayload = s.ExceptionPayload,
            AsyncPfEnMsr = s.AsyncPfEnMsr,
            AsyncPfIntMsr = s.AsyncPfIntMsr,
            PvEoiEnMsr = s.PvEoiEnMsr,
            StealTimeMsr = s.StealTimeMsr,
            PollControlMsr = s.PollControlMsr,
            Fpop = s.Fpop,
            Fpip = s.Fpip,
            Fpdp = s.Fpdp,
            TscAdjust = s.TscAdjust,
            TscDeadline = s.TscDeadline,
            MsrIa32MiscEnable = s.MsrIa32MiscEnable,
            MsrIa32FeatureControl = s.MsrIa32FeatureControl,
            MsrFixedCtrCtrl = s.MsrFixedCtrCtrl,
            MsrGlobalCtrl = s.MsrGlobalCtrl,
            MsrGlobalStatus = s.MsrGlobalStatus,
            MsrGlobalOvfCtrl = s.MsrGlobalOvfCtrl,
            MsrFixedCounters = [.. s.MsrFixedCounters],
            MsrGpCounters = [.. s.MsrGpCounters],
            MsrGpEvtsel = [.. s.MsrGpEvtsel],
            BndRegs = [.. s.BndRegs],
            BndcsCfgu = s.BndcsCfgu,
            BndcsSts = s.BndcsSts,
            MsrBndcfgs = s.MsrBndcfgs,
            MsrHvGuestOsId = s.MsrHvGuestOsId,
            MsrHvHypercall = s.MsrHvHypercall,
            MsrHvVapic = s.MsrHvVapic,
            MsrHvTsc = s.MsrHvTsc,
            MsrHvCrashParams = [.. s.MsrHvCrashParams],
            MsrHvRuntime = s.MsrHvRuntime,
            MsrHvSynicControl = s.MsrHvSynicControl,
            MsrHvSynicEvtPage = s.MsrHvSynicEvtPage,
            MsrHvSynicMsgPage = s.MsrHvSynicMsgPage,
            MsrHvSynicSint = [.. s.MsrHvSynicSint],
            MsrHvStimerConfig = [.. s.MsrHvStimerConfig],
            MsrHvStimerCount = [.. s.MsrHvStimerCount],
            MsrHvReenlightenmentControl = s.MsrHvReenlightenmentControl,
            MsrHvTscEmulationControl = s.MsrHvTscEmulationControl,
            MsrHvTscEmulationStatus = s.MsrHvTscEmulationStatus,
            OpmaskRegs = [.. s.OpmaskRegs],
            Xss = s.Xss,
            Umwait = s.Umwait,
            TscKhz = s.TscKhz,
            MsrSmiCount = s.MsrSmiCount,
            Pkru = s.Pkru,
            Pkrs = s.Pkrs,
            SpecCtrl = s.SpecCtrl,
            AmdTscScale = s.AmdTscScale,
            McgExtCtl = s.McgExtCtl,
            MsrRtitCtrl = s.MsrRtitCtrl,
            MsrRtitStatus = s.MsrRtitStatus,
            MsrRtitOutputBase = s.MsrRtitOutputBase,
            MsrRtitOutputMask = s.MsrRtitOutputMask,
            MsrRtitCr3Match = s.MsrRtitCr3Match,
            MsrRtitAddrs = [.. s.MsrRtitAddrs],
            VirtSsbd = s.VirtSsbd,
            NestedCr3 = s.NestedCr3,
            NestedPgMode = s.NestedPgMode,
            IntCtl = s.IntCtl,
            NestedFlags = s.NestedState.Flags,
            NestedFormat = s.NestedState.Format,
            NestedSize = s.NestedState.Size,
            NestedVmxonPa = s.NestedState.VmxonPa,
            NestedVmcs12Pa = s.NestedState.Vmcs12Pa,
            NestedVmxSmmFlags = s.NestedState.VmxSmmFlags,
            NestedVmcs12 = [.. s.NestedState.Vmcs12],
            NestedShadowVmcs12 = [.. s.NestedState.ShadowVmcs12],
            NestedVmcbPa = s.NestedState.VmcbPa,
            NestedVmcb12 = [.. s.NestedState.Vmcb12],
            TsxCtrl = s.TsxCtrl,
            MsrIa32SgxLePubKeyHash = [.. s.MsrIa32SgxLePubKeyHash],
            Pdptrs = [.. s.Pdptrs],
            MsrXfd = s.MsrXfd,
            MsrXfdErr = s.MsrXfdErr,
            XtileCfg = [.. s.XtileCfg],
            XtileData = [.. s.XtileData],
            MsrLbrCtl = s.MsrLbrCtl,
            MsrLbrDepth = s.MsrLbrDepth,
            LbrRecords = [.. s.LbrRecords],
            TripleFaultPending = s.TripleFaultPending,
            Features = s.Features,
            IsEmulated = s.IsEmulated,
            MigrateSmiCount = s.MigrateSmiCount,
            EnableLmce = s.EnableLmce,
            SaveTscKhz = s.SaveTscKhz,
            UserTscKhz = s.UserTscKhz,
            HasNestedState = s.HasNestedState,
            PdptrsValid = s.PdptrsValid,
        };
    }

    /// <summary>The state back as an <see cref="X86CpuPlain"/>, for checking that nothing was lost.</summary>
    public X86CpuPlain ToPlain()
    {
        var s = new X86CpuPlain
        {
            Regs = [.. Regs],
            Eip = Eip,
            Eflags = Eflags,
            Hflags = Hflags,
            Fpuc = Fpuc,
            Fpus = Fpus,
            Fpstt = Fpstt,
            FpTags = [.. FpTags],
            FpregsFormat = FpregsFormat,
            FpRegs = [.. FpRegs],
            Segs = [.. Segs],
            Ldt = Ldt,
            Tr = Tr,
            Gdt = Gdt,
            Idt = Idt,
            SysenterCs = SysenterCs,
            SysenterEsp = SysenterEsp,
            SysenterEip = SysenterEip,
            Cr = [.. Cr],
            Dr = [.. Dr],
            A20Mask = A20Mask,
            Mxcsr = Mxcsr,
            Zmm = [.. Zmm],
            Efer = Efer,
            Star = Star,
            Lstar = Lstar,
            Cstar = Cstar,
            Fmask = Fmask,
            KernelGsBase = KernelGsBase,
            Smbase = Smbase,
            Pat = Pat,
            Hflags2 = Hflags2,
            VmHsave = VmHsave,
            VmVmcb = VmVmcb,
            TscOffset = TscOffset,
            Intercept = Intercept,
            InterceptCrRead = InterceptCrRead,
            InterceptCrWrite = InterceptCrWrite,
            InterceptDrRead = InterceptDrRead,
            InterceptDrWrite = InterceptDrWrite,
            InterceptExceptions = InterceptExceptions,
            VTpr = VTpr,
            MtrrFixed = [.. MtrrFixed],
            MtrrDeftype = MtrrDeftype,
            MtrrVars = [.. MtrrVars],
            InterruptInjected = InterruptInjected,
            MpState = MpState,
            Tsc = Tsc,
            ExceptionNr = ExceptionNr,
            SoftInterrupt = SoftInterrupt,
            NmiInjected = NmiInjected,
            NmiPending = NmiPending,
            HasErrorCode = HasErrorCode,
            SipiVector = SipiVector,
            McgCap = McgCap,
            McgStatus = McgStatus,
            McgCtl = McgCtl,
            MceBanks = [.. MceBanks],
            TscAux = TscAux,
            SystemTimeMsr = SystemTimeMsr,
            WallClockMsr = WallClockMsr,
            Xcr0 = Xcr0,
            XstateBv = XstateBv,
            ExceptionPending = ExceptionPending,
            ExceptionInjected = ExceptionInjected,
            ExceptionHasPayload = ExceptionHasPayload,
            ExceptionPayload = ExceptionPayload,
            AsyncPfEnMsr = AsyncPfEnMsr,
            AsyncPfIntMsr = AsyncPfIntMsr,
            PvEoiEnMsr = PvEoiEnMsr,
            StealTimeMsr = StealTimeMsr,
            PollControlMsr = PollControlMsr,
            Fpop = Fpop,
            Fpip = Fpip,
            Fpdp = Fpdp,
            TscAdjust = TscAdjust,
            TscDeadline = TscDeadline,
            MsrIa32MiscEnable = MsrIa32MiscEnable,
            MsrIa32FeatureControl = MsrIa32FeatureControl,
            MsrFixedCtrCtrl = MsrFixedCtrCtrl,
            MsrGlobalCtrl = MsrGlobalCtrl,
            MsrGlobalStatus = MsrGlobalStatus,
            MsrGlobalOvfCtrl = MsrGlobalOvfCtrl,
            MsrFixedCounters = [.. MsrFixedCounters],
            MsrGpCounters = [.. MsrGpCounters],
            MsrGpEvtsel = [.. MsrGpEvtsel],
            BndRegs = [.. BndRegs],
            BndcsCfgu = BndcsCfgu,
            BndcsSts = BndcsSts,
            MsrBndcfgs = MsrBndcfgs,
            MsrHvGuestOsId = MsrHvGuestOsId,
            MsrHvHypercall = MsrHvHypercall,
            MsrHvVapic = MsrHvVapic,
            MsrHvTsc = MsrHvTsc,
            MsrHvCrashParams = [.. MsrHvCrashParams],
            MsrHvRuntime = MsrHvRuntime,
            MsrHvSynicControl = MsrHvSynicControl,
            MsrHvSynicEvtPage = MsrHvSynicEvtPage,
            MsrHvSynicMsgPage = MsrHvSynicMsgPage,
            MsrHvSynicSint = [.. MsrHvSynicSint],
            MsrHvStimerConfig = [.. MsrHvStimerConfig],
            MsrHvStimerCount = [.. MsrHvStimerCount],
            MsrHvReenlightenmentControl = MsrHvReenlightenmentControl,
            MsrHvTscEmulationControl = MsrHvTscEmulationControl,
            MsrHvTscEmulationStatus = MsrHvTscEmulationStatus,
            OpmaskRegs = [.. OpmaskRegs],
            Xss = Xss,
            Umwait = Umwait,
            TscKhz = TscKhz,
            MsrSmiCount = MsrSmiCount,
            Pkru = Pkru,
            Pkrs = Pkrs,
            SpecCtrl = SpecCtrl,
            AmdTscScale = AmdTscScale,
            McgExtCtl = McgExtCtl,
            MsrRtitCtrl = MsrRtitCtrl,
            MsrRtitStatus = MsrRtitStatus,
            MsrRtitOutputBase = MsrRtitOutputBase,
            MsrRtitOutputMask = MsrRtitOutputMask,
            MsrRtitCr3Match = MsrRtitCr3Match,
            MsrRtitAddrs = [.. MsrRtitAddrs],
            VirtSsbd = VirtSsbd,
            NestedCr3 = NestedCr3,
            NestedPgMode = NestedPgMode,
            IntCtl = IntCtl,
            TsxCtrl = TsxCtrl,
            MsrIa32SgxLePubKeyHash = [.. MsrIa32SgxLePubKeyHash],
            Pdptrs = [.. Pdptrs],
            MsrXfd = MsrXfd,
            MsrXfdErr = MsrXfdErr,
            XtileCfg = [.. XtileCfg],
            XtileData = [.. XtileData],
            MsrLbrCtl = MsrLbrCtl,
            MsrLbrDepth = MsrLbrDepth,
            LbrRecords = [.. LbrRecords],
            TripleFaultPending = TripleFaultPending,
            Features = Features,
            IsEmulated = IsEmulated,
            MigrateSmiCount = MigrateSmiCount,
            EnableLmce = EnableLmce,
            SaveTscKhz = SaveTscKhz,
            UserTscKhz = UserTscKhz,
            HasNestedState = HasNestedState,
            PdptrsValid = PdptrsValid,
        };
        s.NestedState.Flags = NestedFlags;
        s.NestedState.Format = NestedFormat;
        s.NestedState.Size = NestedSize;
        s.NestedState.VmxonPa = NestedVmxonPa;
        s.NestedState.Vmcs12Pa = NestedVmcs12Pa;
        s.NestedState.VmxSmmFlags = NestedVmxSmmFlags;
        s.NestedState.Vmcs12 = [.. NestedVmcs12];
        s.NestedState.ShadowVmcs12 = [.. NestedShadowVmcs12];
        s.NestedState.VmcbPa = NestedVmcbPa;
        s.NestedState.Vmcb12 = [.. NestedVmcb12];
        return s;
    }
}
