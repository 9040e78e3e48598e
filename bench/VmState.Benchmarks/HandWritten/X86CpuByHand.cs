using System.Runtime.CompilerServices;
using VmState.Qemu.X86;

namespace VmState.Benchmarks.HandWritten;

/// <summary>
/// The best hand-written saver and loader of QEMU 7.2's <c>cpu</c> description (version 12, oldest read 11) with
/// its 43 subsections, for <see cref="X86CpuPlain"/>: straight-line big-endian stores on a span, register arrays
/// swapped in bulk, subsection headers prebuilt and matched whole. Writes exactly what the generated
/// <see cref="X86Cpu"/> code writes for the same state, including its pre-save and post-load fix-ups.
/// </summary>
public static class X86CpuByHand
{
    /// <summary>The version written.</summary>
    public const int Version = 12;

    /// <summary>The oldest version read.</summary>
    public const int MinimumVersion = 11;

    private const int L = X86CpuPlain.Lanes;
    private const uint HflagsCplMask = 3;
    private const uint HflagsGuestMask = 1u << 21;
    private const uint Hflags2NptMask = 1u << 6;
    private const uint DplMask = 3u << 13;
    private const ushort FpusTopMask = 0x3800;
    private const int Ss = 2;
    private const int Cs = 1;

    // Subsection indices, in the order they are sent.
    private const int ExceptionInfo = 0;
    private const int AsyncPf = 1;
    private const int AsyncPfInt = 2;
    private const int PvEoi = 3;
    private const int StealTime = 4;
    private const int PollControl = 5;
    private const int FpopIpDp = 6;
    private const int TscAdjust = 7;
    private const int TscDeadline = 8;
    private const int MiscEnable = 9;
    private const int FeatureControl = 10;
    private const int Pmu = 11;
    private const int Mpx = 12;
    private const int HvHypercall = 13;
    private const int HvVapic = 14;
    private const int HvTime = 15;
    private const int HvCrash = 16;
    private const int HvRuntime = 17;
    private const int HvSynic = 18;
    private const int HvStimer = 19;
    private const int HvReenlightenment = 20;
    private const int Avx512 = 21;
    private const int Xss = 22;
    private const int Umwait = 23;
    private const int TscKhz = 24;
    private const int SmiCount = 25;
    private const int Pkru = 26;
    private const int Pkrs = 27;
    private const int SpecCtrl = 28;
    private const int AmdTscScale = 29;
    private const int McgExtCtl = 30;
    private const int IntelPt = 31;
    private const int VirtSsbd = 32;
    private const int SvmNpt = 33;
    private const int SvmGuest = 34;
    private const int Nested = 35;
    private const int TsxCtrl = 36;
    private const int Sgx = 37;
    private const int Pdptrs = 38;
    private const int Xfd = 39;
    private const int Amx = 40;
    private const int ArchLbr = 41;
    private const int TripleFault = 42;

    private static readonly byte[][] H = Headers(
        "cpu/exception_info", "cpu/async_pf_msr", "cpu/async_pf_int_msr", "cpu/async_pv_eoi_msr", "cpu/steal_time_msr",
        "cpu/poll_control_msr", "cpu/fpop_ip_dp", "cpu/msr_tsc_adjust", "cpu/msr_tscdeadline", "cpu/msr_ia32_misc_enable",
        "cpu/msr_ia32_feature_control", "cpu/msr_architectural_pmu", "cpu/mpx", "cpu/msr_hyperv_hypercall",
        "cpu/msr_hyperv_vapic", "cpu/msr_hyperv_time", "cpu/msr_hyperv_crash", "cpu/msr_hyperv_runtime",
        "cpu/msr_hyperv_synic", "cpu/msr_hyperv_stimer", "cpu/msr_hyperv_reenlightenment", "cpu/avx512", "cpu/xss",
        "cpu/umwait", "cpu/tsc_khz", "cpu/msr_smi_count", "cpu/pkru", "cpu/pkrs", "cpu/spec_ctrl", "cpu/amd_tsc_scale_msr",
        "cpu/mcg_ext_ctl", "cpu/intel_pt", "cpu/virt_ssbd", "cpu/svn_npt", "cpu/svm_guest", "cpu/nested_state",
        "cpu/msr_tsx_ctrl", "cpu/intel_sgx", "cpu/pdptrs", "cpu/msr_xfd", "cpu/intel_amx_xtile", "cpu/arch_lbr",
        "cpu/triple_fault");

    // The nested state's own subsections: VMX and SVM, and the two VMCS parts inside VMX.
    private static readonly byte[][] NestedHeaders = Headers("cpu/kvm_nested_state/vmx", "cpu/kvm_nested_state/svm");
    private static readonly byte[][] VmxHeaders = Headers("cpu/kvm_nested_state/vmx/vmcs12", "cpu/kvm_nested_state/vmx/shadow_vmcs12");

    /// <summary>Bytes <see cref="Save"/> needs at most (every subsection, VMX nested state with both VMCS parts).</summary>
    public const int MaxSize = 1 << 15;

    private static ReadOnlySpan<byte> Parent => "cpu"u8;

    private static ReadOnlySpan<byte> NestedParent => "cpu/kvm_nested_state"u8;

    private static ReadOnlySpan<byte> VmxParent => "cpu/kvm_nested_state/vmx"u8;

    /// <summary>Writes the state to <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Save(X86CpuPlain s, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(s);
        Span<byte> d = destination;
        int p = 0;
        BeforeSave(s);
        ulong[] z = s.Zmm;
        _ = z[(32 * L) - 1]; // one range check for the register slices below

        Be.U64s(d, ref p, s.Regs.AsSpan(0, 16));
        Be.U64(d, ref p, s.Eip);
        Be.U64(d, ref p, s.Eflags);
        Be.U32(d, ref p, s.Hflags);
        Be.U16(d, ref p, s.Fpuc);
        Be.U16(d, ref p, (ushort)((s.Fpus & ~FpusTopMask) | ((s.Fpstt & 7) << 11)));
        Be.U16(d, ref p, FpTagWord(s.FpTags));
        Be.U16(d, ref p, 0); // the register format: always softfloat values
        FpRegPlain[] fp = s.FpRegs;
        for (int i = 0; i < 8; i++)
        {
            Be.U64(d, ref p, fp[i].Mantissa);
            Be.U16(d, ref p, fp[i].SignExponent);
        }

        SegmentPlain[] segs = s.Segs;
        for (int i = 0; i < 6; i++)
        {
            Segment(d, ref p, in segs[i]);
        }

        Segment(d, ref p, in s.Ldt);
        Segment(d, ref p, in s.Tr);
        Segment(d, ref p, in s.Gdt);
        Segment(d, ref p, in s.Idt);
        Be.U32(d, ref p, s.SysenterCs);
        Be.U64(d, ref p, s.SysenterEsp);
        Be.U64(d, ref p, s.SysenterEip);
        ulong[] cr = s.Cr;
        Be.U64(d, ref p, cr[0]);
        Be.U64(d, ref p, cr[2]);
        Be.U64(d, ref p, cr[3]);
        Be.U64(d, ref p, cr[4]);
        Be.U64s(d, ref p, s.Dr.AsSpan(0, 8));
        Be.I32(d, ref p, s.A20Mask);
        Be.U32(d, ref p, s.Mxcsr);
        for (int r = 0; r < 16; r++)
        {
            Be.U64s(d, ref p, z.AsSpan(r * L, 2)); // XMM: lanes 0-1
        }

        Be.U64(d, ref p, s.Efer);
        Be.U64(d, ref p, s.Star);
        Be.U64(d, ref p, s.Lstar);
        Be.U64(d, ref p, s.Cstar);
        Be.U64(d, ref p, s.Fmask);
        Be.U64(d, ref p, s.KernelGsBase);
        Be.U32(d, ref p, s.Smbase);
        Be.U64(d, ref p, s.Pat);
        Be.U32(d, ref p, s.Hflags2);
        Be.U64(d, ref p, s.VmHsave);
        Be.U64(d, ref p, s.VmVmcb);
        Be.U64(d, ref p, s.TscOffset);
        Be.U64(d, ref p, s.Intercept);
        Be.U16(d, ref p, s.InterceptCrRead);
        Be.U16(d, ref p, s.InterceptCrWrite);
        Be.U16(d, ref p, s.InterceptDrRead);
        Be.U16(d, ref p, s.InterceptDrWrite);
        Be.U32(d, ref p, s.InterceptExceptions);
        Be.U8(d, ref p, s.VTpr);
        Be.U64s(d, ref p, s.MtrrFixed.AsSpan(0, 11));
        Be.U64(d, ref p, s.MtrrDeftype);
        Be.U64s(d, ref p, s.MtrrVars.AsSpan(0, 16));
        Be.I32(d, ref p, s.InterruptInjected);
        Be.U32(d, ref p, s.MpState);
        Be.U64(d, ref p, s.Tsc);
        Be.I32(d, ref p, s.ExceptionNr);
        Be.U8(d, ref p, s.SoftInterrupt);
        Be.U8(d, ref p, s.NmiInjected);
        Be.U8(d, ref p, s.NmiPending);
        Be.U8(d, ref p, s.HasErrorCode);
        Be.U32(d, ref p, s.SipiVector);
        Be.U64(d, ref p, s.McgCap);
        Be.U64(d, ref p, s.McgStatus);
        Be.U64(d, ref p, s.McgCtl);
        Be.U64s(d, ref p, s.MceBanks.AsSpan(0, 40));
        Be.U64(d, ref p, s.TscAux);
        Be.U64(d, ref p, s.SystemTimeMsr);
        Be.U64(d, ref p, s.WallClockMsr);
        Be.U64(d, ref p, s.Xcr0);
        Be.U64(d, ref p, s.XstateBv);
        for (int r = 0; r < 16; r++)
        {
            Be.U64s(d, ref p, z.AsSpan((r * L) + 2, 2)); // upper YMM halves: lanes 2-3
        }

        if (s.ExceptionPending != 0 && (s.Hflags & HflagsGuestMask) != 0)
        {
            Be.Bytes(d, ref p, H[ExceptionInfo]);
            Be.U8(d, ref p, s.ExceptionPending);
            Be.U8(d, ref p, s.ExceptionInjected);
            Be.U8(d, ref p, s.ExceptionHasPayload);
            Be.U64(d, ref p, s.ExceptionPayload);
        }

        One(d, ref p, AsyncPf, s.AsyncPfEnMsr, s.AsyncPfEnMsr != 0);
        One(d, ref p, AsyncPfInt, s.AsyncPfIntMsr, s.AsyncPfIntMsr != 0);
        One(d, ref p, PvEoi, s.PvEoiEnMsr, s.PvEoiEnMsr != 0);
        One(d, ref p, StealTime, s.StealTimeMsr, s.StealTimeMsr != 0);
        One(d, ref p, PollControl, s.PollControlMsr, s.PollControlMsr != 1); // KVM's reset value is 1
        if (s.Fpop != 0 || s.Fpip != 0 || s.Fpdp != 0)
        {
            Be.Bytes(d, ref p, H[FpopIpDp]);
            Be.U16(d, ref p, s.Fpop);
            Be.U64(d, ref p, s.Fpip);
            Be.U64(d, ref p, s.Fpdp);
        }

        One(d, ref p, TscAdjust, s.TscAdjust, s.TscAdjust != 0);
        One(d, ref p, TscDeadline, s.TscDeadline, s.TscDeadline != 0);
        One(d, ref p, MiscEnable, s.MsrIa32MiscEnable, s.MsrIa32MiscEnable != X86Cpu.MiscEnableDefault);
        One(d, ref p, FeatureControl, s.MsrIa32FeatureControl, s.MsrIa32FeatureControl != 0);
        if (s.MsrFixedCtrCtrl != 0 || s.MsrGlobalCtrl != 0 || s.MsrGlobalStatus != 0 || s.MsrGlobalOvfCtrl != 0
            || Any(s.MsrFixedCounters) || Any(s.MsrGpCounters) || Any(s.MsrGpEvtsel))
        {
            Be.Bytes(d, ref p, H[Pmu]);
            Be.U64(d, ref p, s.MsrFixedCtrCtrl);
            Be.U64(d, ref p, s.MsrGlobalCtrl);
            Be.U64(d, ref p, s.MsrGlobalStatus);
            Be.U64(d, ref p, s.MsrGlobalOvfCtrl);
            Be.U64s(d, ref p, s.MsrFixedCounters.AsSpan(0, 3));
            Be.U64s(d, ref p, s.MsrGpCounters.AsSpan(0, 18));
            Be.U64s(d, ref p, s.MsrGpEvtsel.AsSpan(0, 18));
        }

        if (Any(s.BndRegs) || s.BndcsCfgu != 0 || s.BndcsSts != 0 || s.MsrBndcfgs != 0)
        {
            Be.Bytes(d, ref p, H[Mpx]);
            Be.U64s(d, ref p, s.BndRegs.AsSpan(0, 8));
            Be.U64(d, ref p, s.BndcsCfgu);
            Be.U64(d, ref p, s.BndcsSts);
            Be.U64(d, ref p, s.MsrBndcfgs);
        }

        if (s.MsrHvHypercall != 0 || s.MsrHvGuestOsId != 0)
        {
            Be.Bytes(d, ref p, H[HvHypercall]);
            Be.U64(d, ref p, s.MsrHvGuestOsId);
            Be.U64(d, ref p, s.MsrHvHypercall);
        }

        One(d, ref p, HvVapic, s.MsrHvVapic, s.MsrHvVapic != 0);
        One(d, ref p, HvTime, s.MsrHvTsc, s.MsrHvTsc != 0);
        if (Any(s.MsrHvCrashParams))
        {
            Be.Bytes(d, ref p, H[HvCrash]);
            Be.U64s(d, ref p, s.MsrHvCrashParams.AsSpan(0, 5));
        }

        One(d, ref p, HvRuntime, s.MsrHvRuntime, (s.Features & X86CpuFeatures.HypervRuntime) != 0 && s.MsrHvRuntime != 0);
        if (s.MsrHvSynicControl != 0 || s.MsrHvSynicEvtPage != 0 || s.MsrHvSynicMsgPage != 0 || Any(s.MsrHvSynicSint))
        {
            Be.Bytes(d, ref p, H[HvSynic]);
            Be.U64(d, ref p, s.MsrHvSynicControl);
            Be.U64(d, ref p, s.MsrHvSynicEvtPage);
            Be.U64(d, ref p, s.MsrHvSynicMsgPage);
            Be.U64s(d, ref p, s.MsrHvSynicSint.AsSpan(0, 16));
        }

        if (Any(s.MsrHvStimerConfig) || Any(s.MsrHvStimerCount))
        {
            Be.Bytes(d, ref p, H[HvStimer]);
            Be.U64s(d, ref p, s.MsrHvStimerConfig.AsSpan(0, 4));
            Be.U64s(d, ref p, s.MsrHvStimerCount.AsSpan(0, 4));
        }

        if (s.MsrHvReenlightenmentControl != 0 || s.MsrHvTscEmulationControl != 0 || s.MsrHvTscEmulationStatus != 0)
        {
            Be.Bytes(d, ref p, H[HvReenlightenment]);
            Be.U64(d, ref p, s.MsrHvReenlightenmentControl);
            Be.U64(d, ref p, s.MsrHvTscEmulationControl);
            Be.U64(d, ref p, s.MsrHvTscEmulationStatus);
        }

        if (IsAvx512Needed(s))
        {
            Be.Bytes(d, ref p, H[Avx512]);
            Be.U64s(d, ref p, s.OpmaskRegs.AsSpan(0, 8));
            for (int r = 0; r < 16; r++)
            {
                Be.U64s(d, ref p, z.AsSpan((r * L) + 4, 4)); // upper ZMM halves of 0-15: lanes 4-7
            }

            Be.U64s(d, ref p, z.AsSpan(16 * L, 16 * L)); // ZMM16-31 whole, contiguous
        }

        One(d, ref p, Xss, s.Xss, s.Xss != 0);
        One32(d, ref p, Umwait, s.Umwait, s.Umwait != 0);
        One(d, ref p, TscKhz, (ulong)s.TscKhz, s.TscKhz != 0 && s.SaveTscKhz);
        One(d, ref p, SmiCount, s.MsrSmiCount, s.MigrateSmiCount && s.MsrSmiCount != 0);
        One32(d, ref p, Pkru, s.Pkru, s.Pkru != 0);
        One32(d, ref p, Pkrs, s.Pkrs, s.Pkrs != 0);
        One(d, ref p, SpecCtrl, s.SpecCtrl, s.SpecCtrl != 0);
        One(d, ref p, AmdTscScale, s.AmdTscScale, (s.Features & X86CpuFeatures.SvmTscScale) != 0);
        One(d, ref p, McgExtCtl, s.McgExtCtl, s.EnableLmce && s.McgExtCtl != 0);
        if (s.MsrRtitCtrl != 0 || s.MsrRtitStatus != 0 || s.MsrRtitOutputBase != 0 || s.MsrRtitOutputMask != 0
            || s.MsrRtitCr3Match != 0 || Any(s.MsrRtitAddrs))
        {
            Be.Bytes(d, ref p, H[IntelPt]);
            Be.U64(d, ref p, s.MsrRtitCtrl);
            Be.U64(d, ref p, s.MsrRtitStatus);
            Be.U64(d, ref p, s.MsrRtitOutputBase);
            Be.U64(d, ref p, s.MsrRtitOutputMask);
            Be.U64(d, ref p, s.MsrRtitCr3Match);
            Be.U64s(d, ref p, s.MsrRtitAddrs.AsSpan(0, 8));
        }

        One(d, ref p, VirtSsbd, s.VirtSsbd, s.VirtSsbd != 0);
        if ((s.Hflags2 & Hflags2NptMask) != 0)
        {
            Be.Bytes(d, ref p, H[SvmNpt]);
            Be.U64(d, ref p, s.NestedCr3);
            Be.U32(d, ref p, s.NestedPgMode);
        }

        One32(d, ref p, SvmGuest, s.IntCtl, s.IsEmulated && s.IntCtl != 0);
        KvmNestedStatePlain n = s.NestedState;
        if (s.HasNestedState && (n.IsVmxNeeded || n.IsSvmNeeded))
        {
            Be.Bytes(d, ref p, H[Nested]);
            SaveNested(d, ref p, n);
        }

        One32(d, ref p, TsxCtrl, s.TsxCtrl, (s.Features & X86CpuFeatures.TsxCtrlMsr) != 0);
        if ((s.Features & X86CpuFeatures.SgxLaunchControl) != 0)
        {
            Be.Bytes(d, ref p, H[Sgx]);
            Be.U64s(d, ref p, s.MsrIa32SgxLePubKeyHash.AsSpan(0, 4));
        }

        if (s.PdptrsValid)
        {
            Be.Bytes(d, ref p, H[Pdptrs]);
            Be.U64s(d, ref p, s.Pdptrs.AsSpan(0, 4));
        }

        if ((s.Features & X86CpuFeatures.Xfd) != 0)
        {
            Be.Bytes(d, ref p, H[Xfd]);
            Be.U64(d, ref p, s.MsrXfd);
            Be.U64(d, ref p, s.MsrXfdErr);
        }

        if ((s.Features & X86CpuFeatures.AmxTile) != 0)
        {
            Be.Bytes(d, ref p, H[Amx]);
            Be.Bytes(d, ref p, s.XtileCfg.AsSpan(0, 64));
            Be.Bytes(d, ref p, s.XtileData.AsSpan(0, 8192));
        }

        if ((s.Features & X86CpuFeatures.ArchLbr) != 0)
        {
            Be.Bytes(d, ref p, H[ArchLbr]);
            Be.U64(d, ref p, s.MsrLbrCtl);
            Be.U64(d, ref p, s.MsrLbrDepth);
            Be.U64s(d, ref p, s.LbrRecords.AsSpan(0, 96));
        }

        if (s.TripleFaultPending != 0)
        {
            Be.Bytes(d, ref p, H[TripleFault]);
            Be.U8(d, ref p, s.TripleFaultPending);
        }

        return p;
    }

    /// <summary>Reads what <see cref="Save"/> (or the generated code) wrote at <paramref name="versionId"/>.</summary>
    public static void Load(X86CpuPlain s, ReadOnlySpan<byte> source, int versionId)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (versionId is < MinimumVersion or > Version)
        {
            throw new InvalidDataException($"cpu version {versionId} is outside [{MinimumVersion}, {Version}]");
        }

        ReadOnlySpan<byte> src = source;
        int p = 0;
        ulong[] z = s.Zmm;
        _ = z[(32 * L) - 1];

        Be.ReadU64s(src, ref p, s.Regs.AsSpan(0, 16));
        s.Eip = Be.ReadU64(src, ref p);
        s.Eflags = Be.ReadU64(src, ref p);
        s.Hflags = Be.ReadU32(src, ref p);
        s.Fpuc = Be.ReadU16(src, ref p);
        ushort fpus = Be.ReadU16(src, ref p);
        ushort fptag = Be.ReadU16(src, ref p);
        s.FpregsFormat = Be.ReadU16(src, ref p);
        FpRegPlain[] fp = s.FpRegs;
        for (int i = 0; i < 8; i++)
        {
            fp[i].Mantissa = Be.ReadU64(src, ref p);
            fp[i].SignExponent = Be.ReadU16(src, ref p);
        }

        SegmentPlain[] segs = s.Segs;
        for (int i = 0; i < 6; i++)
        {
            ReadSegment(src, ref p, ref segs[i]);
        }

        ReadSegment(src, ref p, ref s.Ldt);
        ReadSegment(src, ref p, ref s.Tr);
        ReadSegment(src, ref p, ref s.Gdt);
        ReadSegment(src, ref p, ref s.Idt);
        s.SysenterCs = Be.ReadU32(src, ref p);
        s.SysenterEsp = Be.ReadU64(src, ref p);
        s.SysenterEip = Be.ReadU64(src, ref p);
        ulong[] cr = s.Cr;
        cr[0] = Be.ReadU64(src, ref p);
        cr[2] = Be.ReadU64(src, ref p);
        cr[3] = Be.ReadU64(src, ref p);
        cr[4] = Be.ReadU64(src, ref p);
        Be.ReadU64s(src, ref p, s.Dr.AsSpan(0, 8));
        s.A20Mask = Be.ReadI32(src, ref p);
        s.Mxcsr = Be.ReadU32(src, ref p);
        for (int r = 0; r < 16; r++)
        {
            Be.ReadU64s(src, ref p, z.AsSpan(r * L, 2));
        }

        s.Efer = Be.ReadU64(src, ref p);
        s.Star = Be.ReadU64(src, ref p);
        s.Lstar = Be.ReadU64(src, ref p);
        s.Cstar = Be.ReadU64(src, ref p);
        s.Fmask = Be.ReadU64(src, ref p);
        s.KernelGsBase = Be.ReadU64(src, ref p);
        s.Smbase = Be.ReadU32(src, ref p);
        s.Pat = Be.ReadU64(src, ref p);
        s.Hflags2 = Be.ReadU32(src, ref p);
        s.VmHsave = Be.ReadU64(src, ref p);
        s.VmVmcb = Be.ReadU64(src, ref p);
        s.TscOffset = Be.ReadU64(src, ref p);
        s.Intercept = Be.ReadU64(src, ref p);
        s.InterceptCrRead = Be.ReadU16(src, ref p);
        s.InterceptCrWrite = Be.ReadU16(src, ref p);
        s.InterceptDrRead = Be.ReadU16(src, ref p);
        s.InterceptDrWrite = Be.ReadU16(src, ref p);
        s.InterceptExceptions = Be.ReadU32(src, ref p);
        s.VTpr = Be.ReadU8(src, ref p);
        Be.ReadU64s(src, ref p, s.MtrrFixed.AsSpan(0, 11));
        s.MtrrDeftype = Be.ReadU64(src, ref p);
        Be.ReadU64s(src, ref p, s.MtrrVars.AsSpan(0, 16)); // since version 8, below anything read here
        s.InterruptInjected = Be.ReadI32(src, ref p);
        s.MpState = Be.ReadU32(src, ref p);
        s.Tsc = Be.ReadU64(src, ref p);
        s.ExceptionNr = Be.ReadI32(src, ref p);
        s.SoftInterrupt = Be.ReadU8(src, ref p);
        s.NmiInjected = Be.ReadU8(src, ref p);
        s.NmiPending = Be.ReadU8(src, ref p);
        s.HasErrorCode = Be.ReadU8(src, ref p);
        s.SipiVector = Be.ReadU32(src, ref p);
        s.McgCap = Be.ReadU64(src, ref p);
        s.McgStatus = Be.ReadU64(src, ref p);
        s.McgCtl = Be.ReadU64(src, ref p);
        Be.ReadU64s(src, ref p, s.MceBanks.AsSpan(0, 40));
        s.TscAux = Be.ReadU64(src, ref p);
        s.SystemTimeMsr = Be.ReadU64(src, ref p);
        s.WallClockMsr = Be.ReadU64(src, ref p);
        if (versionId >= 12)
        {
            s.Xcr0 = Be.ReadU64(src, ref p);
            s.XstateBv = Be.ReadU64(src, ref p);
            for (int r = 0; r < 16; r++)
            {
                Be.ReadU64s(src, ref p, z.AsSpan((r * L) + 2, 2));
            }
        }

        int k = 0;
        while ((k = Be.NextSubsection(src, ref p, H, k, Parent)) >= 0)
        {
            LoadSubsection(s, src, ref p, k);
            k++;
        }

        AfterLoad(s, fpus, fptag);
    }

    private static void LoadSubsection(X86CpuPlain s, ReadOnlySpan<byte> src, ref int p, int k)
    {
        switch (k)
        {
            case ExceptionInfo:
                s.ExceptionPending = Be.ReadU8(src, ref p);
                s.ExceptionInjected = Be.ReadU8(src, ref p);
                s.ExceptionHasPayload = Be.ReadU8(src, ref p);
                s.ExceptionPayload = Be.ReadU64(src, ref p);
                break;
            case AsyncPf: s.AsyncPfEnMsr = Be.ReadU64(src, ref p); break;
            case AsyncPfInt: s.AsyncPfIntMsr = Be.ReadU64(src, ref p); break;
            case PvEoi: s.PvEoiEnMsr = Be.ReadU64(src, ref p); break;
            case StealTime: s.StealTimeMsr = Be.ReadU64(src, ref p); break;
            case PollControl: s.PollControlMsr = Be.ReadU64(src, ref p); break;
            case FpopIpDp:
                s.Fpop = Be.ReadU16(src, ref p);
                s.Fpip = Be.ReadU64(src, ref p);
                s.Fpdp = Be.ReadU64(src, ref p);
                break;
            case TscAdjust: s.TscAdjust = Be.ReadU64(src, ref p); break;
            case TscDeadline: s.TscDeadline = Be.ReadU64(src, ref p); break;
            case MiscEnable: s.MsrIa32MiscEnable = Be.ReadU64(src, ref p); break;
            case FeatureControl: s.MsrIa32FeatureControl = Be.ReadU64(src, ref p); break;
            case Pmu:
                s.MsrFixedCtrCtrl = Be.ReadU64(src, ref p);
                s.MsrGlobalCtrl = Be.ReadU64(src, ref p);
                s.MsrGlobalStatus = Be.ReadU64(src, ref p);
                s.MsrGlobalOvfCtrl = Be.ReadU64(src, ref p);
                Be.ReadU64s(src, ref p, s.MsrFixedCounters.AsSpan(0, 3));
                Be.ReadU64s(src, ref p, s.MsrGpCounters.AsSpan(0, 18));
                Be.ReadU64s(src, ref p, s.MsrGpEvtsel.AsSpan(0, 18));
                break;
            case Mpx:
                Be.ReadU64s(src, ref p, s.BndRegs.AsSpan(0, 8));
                s.BndcsCfgu = Be.ReadU64(src, ref p);
                s.BndcsSts = Be.ReadU64(src, ref p);
                s.MsrBndcfgs = Be.ReadU64(src, ref p);
                break;
            case HvHypercall:
                s.MsrHvGuestOsId = Be.ReadU64(src, ref p);
                s.MsrHvHypercall = Be.ReadU64(src, ref p);
                break;
            case HvVapic: s.MsrHvVapic = Be.ReadU64(src, ref p); break;
            case HvTime: s.MsrHvTsc = Be.ReadU64(src, ref p); break;
            case HvCrash: Be.ReadU64s(src, ref p, s.MsrHvCrashParams.AsSpan(0, 5)); break;
            case HvRuntime: s.MsrHvRuntime = Be.ReadU64(src, ref p); break;
            case HvSynic:
                s.MsrHvSynicControl = Be.ReadU64(src, ref p);
                s.MsrHvSynicEvtPage = Be.ReadU64(src, ref p);
                s.MsrHvSynicMsgPage = Be.ReadU64(src, ref p);
                Be.ReadU64s(src, ref p, s.MsrHvSynicSint.AsSpan(0, 16));
                break;
            case HvStimer:
                Be.ReadU64s(src, ref p, s.MsrHvStimerConfig.AsSpan(0, 4));
                Be.ReadU64s(src, ref p, s.MsrHvStimerCount.AsSpan(0, 4));
                break;
            case HvReenlightenment:
                s.MsrHvReenlightenmentControl = Be.ReadU64(src, ref p);
                s.MsrHvTscEmulationControl = Be.ReadU64(src, ref p);
                s.MsrHvTscEmulationStatus = Be.ReadU64(src, ref p);

                // A guest that wants TSC frequency change notices is accepted only where the frequency is pinned.
                const ulong reenlightenmentEnable = 1UL << 16;
                if ((s.MsrHvReenlightenmentControl & reenlightenmentEnable) != 0 && s.UserTscKhz == 0)
                {
                    throw new InvalidDataException("Hyper-V reenlightenment needs a fixed tsc-frequency on this side");
                }

                break;
            case Avx512:
                ulong[] z = s.Zmm;
                _ = z[(32 * L) - 1];
                Be.ReadU64s(src, ref p, s.OpmaskRegs.AsSpan(0, 8));
                for (int r = 0; r < 16; r++)
                {
                    Be.ReadU64s(src, ref p, z.AsSpan((r * L) + 4, 4));
                }

                Be.ReadU64s(src, ref p, z.AsSpan(16 * L, 16 * L));
                break;
            case Xss: s.Xss = Be.ReadU64(src, ref p); break;
            case Umwait: s.Umwait = Be.ReadU32(src, ref p); break;
            case TscKhz: s.TscKhz = (long)Be.ReadU64(src, ref p); break;
            case SmiCount: s.MsrSmiCount = Be.ReadU64(src, ref p); break;
            case Pkru: s.Pkru = Be.ReadU32(src, ref p); break;
            case Pkrs: s.Pkrs = Be.ReadU32(src, ref p); break;
            case SpecCtrl: s.SpecCtrl = Be.ReadU64(src, ref p); break;
            case AmdTscScale: s.AmdTscScale = Be.ReadU64(src, ref p); break;
            case McgExtCtl: s.McgExtCtl = Be.ReadU64(src, ref p); break;
            case IntelPt:
                s.MsrRtitCtrl = Be.ReadU64(src, ref p);
                s.MsrRtitStatus = Be.ReadU64(src, ref p);
                s.MsrRtitOutputBase = Be.ReadU64(src, ref p);
                s.MsrRtitOutputMask = Be.ReadU64(src, ref p);
                s.MsrRtitCr3Match = Be.ReadU64(src, ref p);
                Be.ReadU64s(src, ref p, s.MsrRtitAddrs.AsSpan(0, 8));
                break;
            case VirtSsbd: s.VirtSsbd = Be.ReadU64(src, ref p); break;
            case SvmNpt:
                s.NestedCr3 = Be.ReadU64(src, ref p);
                s.NestedPgMode = Be.ReadU32(src, ref p);
                break;
            case SvmGuest: s.IntCtl = Be.ReadU32(src, ref p); break;
            case Nested: LoadNested(src, ref p, s.NestedState); break;
            case TsxCtrl: s.TsxCtrl = Be.ReadU32(src, ref p); break;
            case Sgx: Be.ReadU64s(src, ref p, s.MsrIa32SgxLePubKeyHash.AsSpan(0, 4)); break;
            case Pdptrs:
                Be.ReadU64s(src, ref p, s.Pdptrs.AsSpan(0, 4));
                s.PdptrsValid = true;
                break;
            case Xfd:
                s.MsrXfd = Be.ReadU64(src, ref p);
                s.MsrXfdErr = Be.ReadU64(src, ref p);
                break;
            case Amx:
                Be.ReadBytes(src, ref p, s.XtileCfg.AsSpan(0, 64));
                Be.ReadBytes(src, ref p, s.XtileData.AsSpan(0, 8192));
                break;
            case ArchLbr:
                s.MsrLbrCtl = Be.ReadU64(src, ref p);
                s.MsrLbrDepth = Be.ReadU64(src, ref p);
                Be.ReadU64s(src, ref p, s.LbrRecords.AsSpan(0, 96));
                break;
            default:
                s.TripleFaultPending = Be.ReadU8(src, ref p);
                break;
        }
    }

    private static void SaveNested(Span<byte> d, ref int p, KvmNestedStatePlain n)
    {
        Be.U16(d, ref p, n.Flags);
        Be.U16(d, ref p, n.Format);
        Be.U32(d, ref p, n.Size);
        if (n.IsVmxNeeded)
        {
            Be.Bytes(d, ref p, NestedHeaders[0]);
            Be.U64(d, ref p, n.VmxonPa);
            Be.U64(d, ref p, n.Vmcs12Pa);
            Be.U16(d, ref p, n.VmxSmmFlags);

            // Each VMCS part goes when the kernel structure is long enough to hold it.
            if (n.Size > KvmNestedStatePlain.HeaderSize)
            {
                Be.Bytes(d, ref p, VmxHeaders[0]);
                Be.Bytes(d, ref p, n.Vmcs12.AsSpan(0, KvmNestedStatePlain.VmcsSize));
            }

            if (n.Size > KvmNestedStatePlain.HeaderSize + KvmNestedStatePlain.VmcsSize)
            {
                Be.Bytes(d, ref p, VmxHeaders[1]);
                Be.Bytes(d, ref p, n.ShadowVmcs12.AsSpan(0, KvmNestedStatePlain.VmcsSize));
            }
        }

        if (n.IsSvmNeeded)
        {
            Be.Bytes(d, ref p, NestedHeaders[1]);
            Be.U64(d, ref p, n.VmcbPa);
            Be.Bytes(d, ref p, n.Vmcb12.AsSpan(0, KvmNestedStatePlain.VmcsSize));
        }
    }

    private static void LoadNested(ReadOnlySpan<byte> src, ref int p, KvmNestedStatePlain n)
    {
        n.Flags = Be.ReadU16(src, ref p);
        n.Format = Be.ReadU16(src, ref p);
        n.Size = Be.ReadU32(src, ref p);
        int k = 0;
        while ((k = Be.NextSubsection(src, ref p, NestedHeaders, k, NestedParent)) >= 0)
        {
            if (k == 0)
            {
                n.VmxonPa = Be.ReadU64(src, ref p);
                n.Vmcs12Pa = Be.ReadU64(src, ref p);
                n.VmxSmmFlags = Be.ReadU16(src, ref p);
                int v = 0;
                while ((v = Be.NextSubsection(src, ref p, VmxHeaders, v, VmxParent)) >= 0)
                {
                    Be.ReadBytes(src, ref p, (v == 0 ? n.Vmcs12 : n.ShadowVmcs12).AsSpan(0, KvmNestedStatePlain.VmcsSize));
                    v++;
                }
            }
            else
            {
                n.VmcbPa = Be.ReadU64(src, ref p);
                Be.ReadBytes(src, ref p, n.Vmcb12.AsSpan(0, KvmNestedStatePlain.VmcsSize));
            }

            k++;
        }
    }

    private static void BeforeSave(X86CpuPlain s)
    {
        s.VTpr = (byte)(s.IntCtl & 0x0f);
        ClearRealModeDpl(s);

        // Outside a nested guest a pending exception is as good as an injected one; it goes that way, payload
        // applied, so that older destinations understand it.
        if (s.ExceptionPending != 0 && (s.Hflags & HflagsGuestMask) == 0)
        {
            s.ExceptionPending = 0;
            s.ExceptionInjected = 1;
            if (s.ExceptionHasPayload != 0)
            {
                const int debugException = 1;
                const int pageFault = 14;
                if (s.ExceptionNr == debugException)
                {
                    s.Dr[6] = s.ExceptionPayload;
                }
                else if (s.ExceptionNr == pageFault)
                {
                    s.Cr[2] = s.ExceptionPayload;
                }
            }
        }
    }

    private static void AfterLoad(X86CpuPlain s, ushort fpus, ushort fptag)
    {
        if (s.TscKhz != 0 && s.UserTscKhz != 0 && s.TscKhz != s.UserTscKhz)
        {
            throw new InvalidDataException("The stream's TSC frequency differs from the one fixed on this side");
        }

        if (s.FpregsFormat != 0)
        {
            throw new InvalidDataException("x87 registers in the obsolete host format");
        }

        ClearRealModeDpl(s);

        // The CPL is the SS descriptor's DPL; older sources derived it from CS.
        s.Hflags = (s.Hflags & ~HflagsCplMask) | ((s.Segs[Ss].Flags & DplMask) >> 13);
        if (s.ExceptionNr != -1 && s.ExceptionPending == 0 && s.ExceptionInjected == 0)
        {
            s.ExceptionInjected = 1;
        }

        s.Fpstt = (fpus >> 11) & 7;
        s.Fpus = (ushort)(fpus & ~FpusTopMask);
        int empty = fptag ^ 0xff;
        byte[] tags = s.FpTags;
        _ = tags[7];
        for (int i = 0; i < 8; i++)
        {
            tags[i] = (byte)((empty >> i) & 1);
        }
    }

    // Real-mode segments must have DPL 0; some old KVM hosts sent other values.
    private static void ClearRealModeDpl(X86CpuPlain s)
    {
        SegmentPlain[] segs = s.Segs;
        if ((s.Cr[0] & 1) == 0 && (segs[Cs].Flags & DplMask) != 0)
        {
            for (int i = 0; i < 6; i++)
            {
                segs[i].Flags &= ~DplMask;
            }
        }
    }

    private static ushort FpTagWord(byte[] emptyTags)
    {
        _ = emptyTags[7];
        int used = 0;
        for (int i = 0; i < 8; i++)
        {
            used |= (emptyTags[i] == 0 ? 1 : 0) << i;
        }

        return (ushort)used;
    }

    private static bool IsAvx512Needed(X86CpuPlain s)
    {
        if (Any(s.OpmaskRegs))
        {
            return true;
        }

        ReadOnlySpan<ulong> z = s.Zmm;
        for (int r = 0; r < 16; r++)
        {
            if (z.Slice((r * L) + 4, 4).ContainsAnyExcept(0UL))
            {
                return true;
            }
        }

        return z.Slice(16 * L, 16 * L).ContainsAnyExcept(0UL);
    }

    private static bool Any(ulong[] values) => values.AsSpan().ContainsAnyExcept(0UL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Segment(Span<byte> d, ref int p, in SegmentPlain seg)
    {
        Be.U32(d, ref p, seg.Selector);
        Be.U64(d, ref p, seg.Base);
        Be.U32(d, ref p, seg.Limit);
        Be.U32(d, ref p, seg.Flags);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReadSegment(ReadOnlySpan<byte> src, ref int p, ref SegmentPlain seg)
    {
        seg.Selector = Be.ReadU32(src, ref p);
        seg.Base = Be.ReadU64(src, ref p);
        seg.Limit = Be.ReadU32(src, ref p);
        seg.Flags = Be.ReadU32(src, ref p);
    }

    // A subsection of one be64.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void One(Span<byte> d, ref int p, int k, ulong value, bool needed)
    {
        if (needed)
        {
            Be.Bytes(d, ref p, H[k]);
            Be.U64(d, ref p, value);
        }
    }

    // A subsection of one be32.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void One32(Span<byte> d, ref int p, int k, uint value, bool needed)
    {
        if (needed)
        {
            Be.Bytes(d, ref p, H[k]);
            Be.U32(d, ref p, value);
        }
    }

    private static byte[][] Headers(params string[] names) => Array.ConvertAll(names, n => Be.SubsectionHeader(n, 1));
}
