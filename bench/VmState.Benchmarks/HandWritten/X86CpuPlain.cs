using VmState.Qemu.X86;

namespace VmState.Benchmarks.HandWritten;

/// <summary>An x87 data register: significand and sign-and-exponent word.</summary>
public struct FpRegPlain
{
    public ulong Mantissa;
    public ushort SignExponent;
}

/// <summary>A segment register's cached descriptor.</summary>
public struct SegmentPlain
{
    public uint Selector;
    public ulong Base;
    public uint Limit;
    public uint Flags;
}

/// <summary>KVM's nested-virtualization state: a header, then VMX or SVM parts.</summary>
public sealed class KvmNestedStatePlain
{
    public const ushort FormatVmx = 0;
    public const ushort FormatSvm = 1;
    public const int HeaderSize = 128;
    public const int VmcsSize = 0x1000;

    public ushort Flags;
    public ushort Format;
    public uint Size;
    public ulong VmxonPa = ulong.MaxValue;
    public ulong Vmcs12Pa = ulong.MaxValue;
    public ushort VmxSmmFlags;
    public byte[] Vmcs12 = new byte[VmcsSize];
    public byte[] ShadowVmcs12 = new byte[VmcsSize];
    public ulong VmcbPa;
    public byte[] Vmcb12 = new byte[VmcsSize];

    public bool IsVmxNeeded => Format == FormatVmx && VmxonPa != ulong.MaxValue;

    public bool IsSvmNeeded => Format == FormatSvm && Size > HeaderSize;
}

/// <summary>
/// An x86-64 vCPU as a device author would model it by hand for QEMU's <c>cpu</c> description: public fields for
/// what <see cref="X86Cpu"/> migrates, vector registers as one flat array of 32 x 8 lanes (register-major, like
/// QEMU's <c>ZMMReg</c> array), pairs and triples of MSRs flattened the same way, plus the configuration the
/// subsections' needed rules read.
/// </summary>
public sealed class X86CpuPlain
{
    public const int Lanes = 8;

    public ulong[] Regs = new ulong[16];
    public ulong Eip;
    public ulong Eflags;
    public uint Hflags;
    public ushort Fpuc;

    /// <summary>x87 status word without the stack top (the wire folds <see cref="Fpstt"/> in).</summary>
    public ushort Fpus;
    public int Fpstt;

    /// <summary>1 when register i is empty (the wire carries the inverted bits).</summary>
    public byte[] FpTags = new byte[8];

    /// <summary>What the last load found in the obsolete format word (always 0 when saved).</summary>
    public ushort FpregsFormat;
    public FpRegPlain[] FpRegs = new FpRegPlain[8];
    public SegmentPlain[] Segs = new SegmentPlain[6];
    public SegmentPlain Ldt;
    public SegmentPlain Tr;
    public SegmentPlain Gdt;
    public SegmentPlain Idt;
    public uint SysenterCs;
    public ulong SysenterEsp;
    public ulong SysenterEip;

    /// <summary>CR0 to CR4; CR1 is never migrated.</summary>
    public ulong[] Cr = new ulong[5];
    public ulong[] Dr = new ulong[8];
    public int A20Mask;
    public uint Mxcsr;

    /// <summary>ZMM0-31, lane l of register r at <c>r * 8 + l</c>.</summary>
    public ulong[] Zmm = new ulong[32 * Lanes];
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
    public ulong[] MtrrFixed = new ulong[11];
    public ulong MtrrDeftype;

    /// <summary>Base and mask of each variable-range MTRR.</summary>
    public ulong[] MtrrVars = new ulong[16];
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
    public ulong[] MceBanks = new ulong[40];
    public ulong TscAux;
    public ulong SystemTimeMsr;
    public ulong WallClockMsr;
    public ulong Xcr0;
    public ulong XstateBv;

    // Subsection state.
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
    public ulong MsrIa32MiscEnable = 1;
    public ulong MsrIa32FeatureControl;
    public ulong MsrFixedCtrCtrl;
    public ulong MsrGlobalCtrl;
    public ulong MsrGlobalStatus;
    public ulong MsrGlobalOvfCtrl;
    public ulong[] MsrFixedCounters = new ulong[3];
    public ulong[] MsrGpCounters = new ulong[18];
    public ulong[] MsrGpEvtsel = new ulong[18];

    /// <summary>Lower and upper bound of BND0-3.</summary>
    public ulong[] BndRegs = new ulong[8];
    public ulong BndcsCfgu;
    public ulong BndcsSts;
    public ulong MsrBndcfgs;
    public ulong MsrHvGuestOsId;
    public ulong MsrHvHypercall;
    public ulong MsrHvVapic;
    public ulong MsrHvTsc;
    public ulong[] MsrHvCrashParams = new ulong[5];
    public ulong MsrHvRuntime;
    public ulong MsrHvSynicControl;
    public ulong MsrHvSynicEvtPage;
    public ulong MsrHvSynicMsgPage;
    public ulong[] MsrHvSynicSint = new ulong[16];
    public ulong[] MsrHvStimerConfig = new ulong[4];
    public ulong[] MsrHvStimerCount = new ulong[4];
    public ulong MsrHvReenlightenmentControl;
    public ulong MsrHvTscEmulationControl;
    public ulong MsrHvTscEmulationStatus;
    public ulong[] OpmaskRegs = new ulong[8];
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
    public ulong[] MsrRtitAddrs = new ulong[8];
    public ulong VirtSsbd;
    public ulong NestedCr3;
    public uint NestedPgMode;
    public uint IntCtl;
    public KvmNestedStatePlain NestedState = new();
    public uint TsxCtrl;
    public ulong[] MsrIa32SgxLePubKeyHash = new ulong[4];
    public ulong[] Pdptrs = new ulong[4];
    public ulong MsrXfd;
    public ulong MsrXfdErr;
    public byte[] XtileCfg = new byte[64];
    public byte[] XtileData = new byte[8192];
    public ulong MsrLbrCtl;
    public ulong MsrLbrDepth;

    /// <summary>From, to and info of each of the 32 LBR entries.</summary>
    public ulong[] LbrRecords = new ulong[32 * 3];
    public byte TripleFaultPending;

    // Configuration (not migrated) that the needed rules and load checks read.
    public X86CpuFeatures Features;
    public bool IsEmulated = true;
    public bool MigrateSmiCount = true;
    public bool EnableLmce;
    public bool SaveTscKhz = true;
    public long UserTscKhz;
    public bool HasNestedState;

    /// <summary>The PDPTR cache is in use (set when it arrives).</summary>
    public bool PdptrsValid;
}
