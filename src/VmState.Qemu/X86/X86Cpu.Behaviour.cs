using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>CPU features that decide whether some subsections are sent (CPUID bits and machine options, not migrated).</summary>
[Flags]
public enum X86CpuFeatures
{
    /// <summary>None: QEMU's default <c>qemu64</c> model under TCG.</summary>
    None = 0,
    /// <summary>IA32_ARCH_CAPABILITIES.TSX_CTRL_MSR.</summary>
    TsxCtrlMsr = 1 << 0,
    /// <summary>CPUID.7.0:ECX.SGX_LC.</summary>
    SgxLaunchControl = 1 << 1,
    /// <summary>CPUID.D.1:EAX.XFD.</summary>
    Xfd = 1 << 2,
    /// <summary>CPUID.7.0:EDX.AMX_TILE.</summary>
    AmxTile = 1 << 3,
    /// <summary>CPUID.7.0:EDX.ARCH_LBR.</summary>
    ArchLbr = 1 << 4,
    /// <summary>CPUID 8000_000A:EDX.TSCSCALE (AMD).</summary>
    SvmTscScale = 1 << 5,
    /// <summary>The Hyper-V runtime enlightenment (<c>hv-runtime</c>).</summary>
    HypervRuntime = 1 << 6,
}

/// <summary>General-purpose registers in encoding order (QEMU's <c>R_EAX</c>...).</summary>
public enum X86Register
{
    /// <summary>RAX.</summary>
    Rax,
    /// <summary>RCX.</summary>
    Rcx,
    /// <summary>RDX.</summary>
    Rdx,
    /// <summary>RBX.</summary>
    Rbx,
    /// <summary>RSP.</summary>
    Rsp,
    /// <summary>RBP.</summary>
    Rbp,
    /// <summary>RSI.</summary>
    Rsi,
    /// <summary>RDI.</summary>
    Rdi,
    /// <summary>R8.</summary>
    R8,
    /// <summary>R9.</summary>
    R9,
    /// <summary>R10.</summary>
    R10,
    /// <summary>R11.</summary>
    R11,
    /// <summary>R12.</summary>
    R12,
    /// <summary>R13.</summary>
    R13,
    /// <summary>R14.</summary>
    R14,
    /// <summary>R15.</summary>
    R15,
}

/// <summary>Segment registers in QEMU's order (<c>R_ES</c>...).</summary>
public enum X86Segment
{
    /// <summary>ES.</summary>
    Es,
    /// <summary>CS.</summary>
    Cs,
    /// <summary>SS.</summary>
    Ss,
    /// <summary>DS.</summary>
    Ds,
    /// <summary>FS.</summary>
    Fs,
    /// <summary>GS.</summary>
    Gs,
}

public sealed partial class X86Cpu
{
    /// <summary>IA32_MISC_ENABLE after reset (fast strings).</summary>
    public const ulong MiscEnableDefault = 1;

    private const uint HflagsCplMask = 3;
    private const uint HflagsGuestMask = 1u << 21;
    private const uint Hflags2GifMask = 1u << 0;
    private const uint Hflags2VgifMask = 1u << 8;
    private const uint Hflags2NptMask = 1u << 6;
    private const ulong Cr0PeMask = 1;
    private const uint IntCtlTprMask = 0x0f;
    private const ushort FpusTopMask = 0x3800;
    private const int DebugException = 1;
    private const int PageFault = 14;

    /// <summary>A vCPU in QEMU's reset state (<see cref="Reset"/>).</summary>
    public X86Cpu()
    {
        XmmRegs = new ZmmReg[VectorRegisterCount];
        for (int i = 0; i < XmmRegs.Length; i++)
        {
            XmmRegs[i] = new ZmmReg();
        }

        _xmmLow = new XmmRegView[RegisterCount];
        _ymmHigh = new YmmhRegView[RegisterCount];
        _zmmHigh = new ZmmhRegView[RegisterCount];
        _zmmUpper16 = new Hi16ZmmRegView[VectorRegisterCount];
        for (int i = 0; i < RegisterCount; i++)
        {
            _xmmLow[i] = new XmmRegView(XmmRegs[i]);
            _ymmHigh[i] = new YmmhRegView(XmmRegs[i]);
            _zmmHigh[i] = new ZmmhRegView(XmmRegs[i]);
        }

        for (int i = 0; i < VectorRegisterCount; i++)
        {
            _zmmUpper16[i] = new Hi16ZmmRegView(XmmRegs[i]);
        }

        Reset();
    }

    /// <summary>The <c>cpu_common</c> part of this vCPU (its own section).</summary>
    public CpuCommon Common { get; } = new();

    /// <summary>CPUID features and options that steer subsections; none by default, like <c>qemu64</c>.</summary>
    public X86CpuFeatures Features { get; set; }

    /// <summary>True when emulated (QEMU's <c>tcg_enabled()</c>); false would stand for KVM. Applies to <see cref="Common"/> too.</summary>
    public bool IsEmulated
    {
        get => Common.IsEmulated;
        set => Common.IsEmulated = value;
    }

    /// <summary>The <c>migrate-smi-count</c> property (on for pc-i440fx-7.2).</summary>
    public bool MigrateSmiCount { get; set; } = true;

    /// <summary>The <c>lmce</c> property: local machine-check exceptions.</summary>
    public bool EnableLmce { get; set; }

    /// <summary>The machine type saves the TSC frequency (true since pc-*-2.6).</summary>
    public bool SaveTscKhz { get; set; } = true;

    /// <summary>The frequency given with <c>tsc-frequency=</c>, in kHz; 0 when not given. A different migrated value is refused.</summary>
    public long UserTscKhz { get; set; }

    /// <summary>QEMU allocated KVM nested state for this vCPU (only under KVM with nesting).</summary>
    public bool HasNestedState { get; set; }

    /// <summary>The PDPTR cache in <see cref="PdptrsValues"/> is in use.</summary>
    public bool PdptrsValid { get; set; }

    /// <summary>x87 status word without the stack top.</summary>
    public ushort Fpus { get; set; }

    /// <summary>x87 stack top (0-7).</summary>
    public int Fpstt { get; set; }

    /// <summary>x87 tags: 1 when register i is empty.</summary>
    public byte[] FpTags { get; } = new byte[8];

    /// <summary>The instruction pointer.</summary>
    public ulong Rip
    {
        get => Eip;
        set => Eip = value;
    }

    /// <summary>A general-purpose register.</summary>
    public ref ulong Reg(X86Register register) => ref Regs[(int)register];

    /// <summary>A segment register.</summary>
    public ref SegmentCache Seg(X86Segment segment) => ref Segs[(int)segment];

    /// <summary>Current privilege level (from the hidden flags).</summary>
    public int Cpl => (int)(Hflags & HflagsCplMask);

    /// <summary>
    /// Puts the vCPU in the state QEMU gives a TCG <c>qemu64</c> CPU at reset: real mode at F000:FFF0, caches and
    /// MTRRs off, x87 and SSE defaults, all machine-check banks enabled, A20 open.
    /// </summary>
    public void Reset()
    {
        ResetVmState();
        foreach (ZmmReg r in XmmRegs)
        {
            Array.Clear(r.Q);
        }

        Eflags = 0x2;
        Eip = 0xfff0;
        Cr[0] = 0x6000_0010;
        for (int i = 0; i < Segs.Length; i++)
        {
            Segs[i] = new SegmentCache(0, 0, 0xffff, 0x9300);
        }

        Seg(X86Segment.Cs) = new SegmentCache(0xf000, 0xffff_0000, 0xffff, 0x9b00);
        Ldt = new SegmentCache(0, 0, 0xffff, 0x8200);
        Tr = new SegmentCache(0, 0, 0xffff, 0x8b00);
        Gdt = new SegmentCache(0, 0, 0xffff, 0);
        Idt = new SegmentCache(0, 0, 0xffff, 0);
        Dr[6] = 0xffff_0ff0;
        Dr[7] = 0x400;
        A20Mask = -1;
        Fpuc = 0x37f;
        Fpus = 0;
        Fpstt = 0;
        FpTags.AsSpan().Fill(1);
        Mxcsr = 0x1f80;
        Xcr0 = 1;
        Pat = 0x0007_0406_0007_0406;
        Smbase = 0x30000;
        Hflags = 0;
        Hflags2 = Hflags2GifMask | Hflags2VgifMask;
        InterruptInjected = -1;
        ExceptionNr = -1;
        MsrIa32MiscEnable = MiscEnableDefault;
        McgCap = 0x0100_0100 | MceBankCount; // MCG_SER_P | MCG_CTL_P | bank count
        McgCtl = ulong.MaxValue;
        Array.Clear(MceBanks);
        for (int bank = 0; bank < MceBankCount; bank++)
        {
            MceBanks[bank * 4] = ulong.MaxValue;
        }

        PdptrsValid = false;
        Common.Halted = 0;
        Common.InterruptRequest = 0;
        Common.ExceptionIndex = CpuCommon.NoException;
        Common.CrashOccurred = false;
    }

    /// <summary>
    /// A deterministic stand-in for executing a few instructions: mixes <paramref name="seed"/> into the general
    /// registers, advances RIP and the TSC, and updates the arithmetic flags and one SSE register.
    /// </summary>
    public void Step(ulong seed)
    {
        ulong x = seed ^ Tsc ^ (Eip * 0x9e37_79b9_7f4a_7c15);
        for (int i = 0; i < Regs.Length; i++)
        {
            // xorshift64*: cheap, reproducible, touches every register.
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            Regs[i] += x * 0x2545_f491_4f6c_dd1d;
        }

        const ulong ZeroFlag = 0x40;
        const ulong CarryFlag = 0x01;
        Eflags = (Eflags & ~(ZeroFlag | CarryFlag)) | (Regs[0] == 0 ? ZeroFlag : 0) | (Regs[1] >> 63);
        Eip = (Eip + 1 + (x & 0xf)) & 0xffff;
        Tsc += 1 + (x & 0xff);
        ZmmReg v = XmmRegs[(int)(x % RegisterCount)];
        v.Q[0] ^= x;
        v.Q[1] += Regs[2];
    }

    [PreSave]
    private void BeforeSave()
    {
        VTpr = (byte)(IntCtl & IntCtlTprMask);
        _fpusVmstate = (ushort)((Fpus & ~FpusTopMask) | ((Fpstt & 7) << 11));
        int tags = 0;
        for (int i = 0; i < 8; i++)
        {
            tags |= (FpTags[i] == 0 ? 1 : 0) << i;
        }

        _fptagVmstate = (ushort)tags;
        _fpregsFormatVmstate = 0;
        ClearRealModeDpl();

        // Outside a nested guest a pending exception is as good as an injected one; send it that way, with its
        // payload already applied, so that older destinations understand it.
        if (ExceptionPending != 0 && (Hflags & HflagsGuestMask) == 0)
        {
            ExceptionPending = 0;
            ExceptionInjected = 1;
            if (ExceptionHasPayload != 0)
            {
                if (ExceptionNr == DebugException)
                {
                    Dr[6] = ExceptionPayload;
                }
                else if (ExceptionNr == PageFault)
                {
                    Cr[2] = ExceptionPayload;
                }
            }
        }
    }

    [PostLoad]
    private bool AfterLoad()
    {
        if (TscKhz != 0 && UserTscKhz != 0 && TscKhz != UserTscKhz)
        {
            return false; // the user fixed a different TSC frequency on this side
        }

        if (_fpregsFormatVmstate != 0)
        {
            return false; // x87 registers in the pre-softfloat host format
        }

        ClearRealModeDpl();

        // The CPL is the SS descriptor's DPL; older sources derived it from CS.
        Hflags = (Hflags & ~HflagsCplMask) | (uint)Segs[(int)X86Segment.Ss].Dpl;

        if (ExceptionNr != -1 && ExceptionPending == 0 && ExceptionInjected == 0)
        {
            ExceptionInjected = 1;
        }

        Fpstt = (_fpusVmstate >> 11) & 7;
        Fpus = (ushort)(_fpusVmstate & ~FpusTopMask);
        _fptagVmstate ^= 0xff;
        for (int i = 0; i < 8; i++)
        {
            FpTags[i] = (byte)((_fptagVmstate >> i) & 1);
        }

        return true;
    }

    // The guest asked to be told of TSC frequency changes, which KVM cannot fully deliver: QEMU accepts such a
    // vCPU only where the frequency is pinned with tsc-frequency=.
    [PostLoad(HypervReenlightenment)]
    private bool AfterReenlightenmentLoad()
    {
        const ulong ReenlightenmentEnable = 1UL << 16;
        return (MsrHvReenlightenmentControl & ReenlightenmentEnable) == 0 || UserTscKhz != 0;
    }

    [PostLoad(Pdptrs)]
    private void AfterPdptrsLoad() => PdptrsValid = true;

    // Real-mode segments must have DPL 0; some old KVM hosts sent other values.
    private void ClearRealModeDpl()
    {
        if ((Cr[0] & Cr0PeMask) == 0 && Segs[(int)X86Segment.Cs].Dpl != 0)
        {
            foreach (X86Segment s in (ReadOnlySpan<X86Segment>)[X86Segment.Cs, X86Segment.Ds, X86Segment.Es, X86Segment.Fs, X86Segment.Gs, X86Segment.Ss])
            {
                Segs[(int)s].Flags &= ~SegmentCache.DplMask;
            }
        }
    }

    private static bool Any(ulong[] values) => Array.Exists(values, v => v != 0);

    [Needed(ExceptionInfo)]
    private bool IsExceptionInfoNeeded() => ExceptionPending != 0 && (Hflags & HflagsGuestMask) != 0;

    [Needed(AsyncPfMsr)]
    private bool IsAsyncPfMsrNeeded() => AsyncPfEnMsr != 0;

    [Needed(AsyncPfIntSection)]
    private bool IsAsyncPfIntNeeded() => AsyncPfIntMsr != 0;

    [Needed(PvEoiMsr)]
    private bool IsPvEoiNeeded() => PvEoiEnMsr != 0;

    [Needed(StealTimeSection)]
    private bool IsStealTimeNeeded() => StealTimeMsr != 0;

    // KVM enables poll control at reset, so only another value is worth sending.
    [Needed(PollControlSection)]
    private bool IsPollControlNeeded() => PollControlMsr != 1;

    [Needed(FpopIpDp)]
    private bool IsFpopIpDpNeeded() => Fpop != 0 || Fpip != 0 || Fpdp != 0;

    [Needed(MsrTscAdjust)]
    private bool IsTscAdjustNeeded() => TscAdjust != 0;

    [Needed(MsrTscDeadline)]
    private bool IsTscDeadlineNeeded() => TscDeadline != 0;

    [Needed(MsrMiscEnable)]
    private bool IsMiscEnableNeeded() => MsrIa32MiscEnable != MiscEnableDefault;

    [Needed(MsrFeatureControl)]
    private bool IsFeatureControlNeeded() => MsrIa32FeatureControl != 0;

    [Needed(MsrArchitecturalPmu)]
    private bool IsPmuNeeded() =>
        MsrFixedCtrCtrl != 0 || MsrGlobalCtrl != 0 || MsrGlobalStatus != 0 || MsrGlobalOvfCtrl != 0
        || Any(MsrFixedCounters) || Any(MsrGpCounters) || Any(MsrGpEvtsel);

    [Needed(Mpx)]
    private bool IsMpxNeeded() => Array.Exists(BndRegs, b => b.IsInUse) || BndcsCfgu != 0 || BndcsSts != 0 || MsrBndcfgs != 0;

    [Needed(HypervHypercall)]
    private bool IsHypercallNeeded() => MsrHvHypercall != 0 || MsrHvGuestOsId != 0;

    [Needed(HypervVapic)]
    private bool IsVapicNeeded() => MsrHvVapic != 0;

    [Needed(HypervTime)]
    private bool IsHvTimeNeeded() => MsrHvTsc != 0;

    [Needed(HypervCrash)]
    private bool IsHvCrashNeeded() => Any(MsrHvCrashParams);

    [Needed(HypervRuntime)]
    private bool IsHvRuntimeNeeded() => (Features & X86CpuFeatures.HypervRuntime) != 0 && MsrHvRuntime != 0;

    [Needed(HypervSynic)]
    private bool IsSynicNeeded() =>
        MsrHvSynicControl != 0 || MsrHvSynicEvtPage != 0 || MsrHvSynicMsgPage != 0 || Any(MsrHvSynicSint);

    [Needed(HypervStimer)]
    private bool IsStimerNeeded() => Any(MsrHvStimerConfig) || Any(MsrHvStimerCount);

    [Needed(HypervReenlightenment)]
    private bool IsReenlightenmentNeeded() =>
        MsrHvReenlightenmentControl != 0 || MsrHvTscEmulationControl != 0 || MsrHvTscEmulationStatus != 0;

    [Needed(Avx512)]
    private bool IsAvx512Needed()
    {
        if (Any(OpmaskRegs))
        {
            return true;
        }

        for (int i = 0; i < RegisterCount; i++)
        {
            if (XmmRegs[i].AnyFrom(4) || XmmRegs[i + RegisterCount].AnyFrom(0))
            {
                return true;
            }
        }

        return false;
    }

    [Needed(Xss)]
    private bool IsXssNeeded() => XssMsr != 0;

    [Needed(Umwait)]
    private bool IsUmwaitNeeded() => UmwaitControl != 0;

    [Needed(TscKhzSection)]
    private bool IsTscKhzNeeded() => TscKhz != 0 && SaveTscKhz;

    [Needed(MsrSmiCount)]
    private bool IsSmiCountNeeded() => MigrateSmiCount && MsrSmiCountValue != 0;

    [Needed(Pkru)]
    private bool IsPkruNeeded() => PkruValue != 0;

    [Needed(Pkrs)]
    private bool IsPkrsNeeded() => PkrsValue != 0;

    [Needed(SpecCtrl)]
    private bool IsSpecCtrlNeeded() => SpecCtrlMsr != 0;

    [Needed(AmdTscScaleMsr)]
    private bool IsAmdTscScaleNeeded() => (Features & X86CpuFeatures.SvmTscScale) != 0;

    [Needed(McgExtCtl)]
    private bool IsMcgExtCtlNeeded() => EnableLmce && McgExtCtlMsr != 0;

    [Needed(IntelPt)]
    private bool IsIntelPtNeeded() =>
        MsrRtitCtrl != 0 || MsrRtitStatus != 0 || MsrRtitOutputBase != 0 || MsrRtitOutputMask != 0 || MsrRtitCr3Match != 0
        || Any(MsrRtitAddrs);

    [Needed(VirtSsbd)]
    private bool IsVirtSsbdNeeded() => VirtSsbdMsr != 0;

    [Needed(SvmNpt)]
    private bool IsSvmNptNeeded() => (Hflags2 & Hflags2NptMask) != 0;

    [Needed(SvmGuest)]
    private bool IsSvmGuestNeeded() => IsEmulated && IntCtl != 0;

    [Needed(NestedStateSection)]
    private bool IsNestedStateNeeded() => HasNestedState && (NestedState.IsVmxNeeded() || NestedState.IsSvmNeeded());

    [Needed(MsrTsxCtrl)]
    private bool IsTsxCtrlNeeded() => (Features & X86CpuFeatures.TsxCtrlMsr) != 0;

    [Needed(IntelSgx)]
    private bool IsSgxNeeded() => (Features & X86CpuFeatures.SgxLaunchControl) != 0;

    [Needed(Pdptrs)]
    private bool IsPdptrsNeeded() => PdptrsValid;

    [Needed(MsrXfd)]
    private bool IsXfdNeeded() => (Features & X86CpuFeatures.Xfd) != 0;

    [Needed(IntelAmxXtile)]
    private bool IsAmxNeeded() => (Features & X86CpuFeatures.AmxTile) != 0;

    [Needed(ArchLbr)]
    private bool IsArchLbrNeeded() => (Features & X86CpuFeatures.ArchLbr) != 0;

    [Needed(TripleFault)]
    private bool IsTripleFaultNeeded() => TripleFaultPending != 0;
}
