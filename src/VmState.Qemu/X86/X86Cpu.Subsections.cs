using VmState.Description;

namespace VmState.Qemu.X86;

// The fields of QEMU 7.2's "cpu" subsections, grouped per subsection in QEMU's order. The needed rules are in
// X86Cpu.Behaviour.cs.
public sealed partial class X86Cpu
{
    /// <summary>Fixed-function performance counters (<c>MAX_FIXED_COUNTERS</c>).</summary>
    public const int FixedCounters = 3;

    /// <summary>General-purpose performance counters (<c>MAX_GP_COUNTERS</c>: PERF_STATUS - P6_EVNTSEL0 = 18).</summary>
    public const int GpCounters = 18;

    private readonly ZmmhRegView[] _zmmHigh;
    private readonly Hi16ZmmRegView[] _zmmUpper16;

    // cpu/exception_info

    /// <summary>An exception is pending (not yet delivered) in an SVM/VMX guest.</summary>
    [VmStateField("env.exception_pending", Subsection = ExceptionInfo)]
    public byte ExceptionPending;

    /// <summary>The exception in <see cref="ExceptionNr"/> is being injected.</summary>
    [VmStateField("env.exception_injected", Subsection = ExceptionInfo)]
    public byte ExceptionInjected;

    /// <summary><see cref="ExceptionPayload"/> is valid.</summary>
    [VmStateField("env.exception_has_payload", Subsection = ExceptionInfo)]
    public byte ExceptionHasPayload;

    /// <summary>CR2 of a page fault or DR6 of a debug exception, not yet applied.</summary>
    [VmStateField("env.exception_payload", Subsection = ExceptionInfo)]
    public ulong ExceptionPayload;

    // Paravirtual MSRs.

    /// <summary>MSR_KVM_ASYNC_PF_EN.</summary>
    [VmStateField("env.async_pf_en_msr", Subsection = AsyncPfMsr)]
    public ulong AsyncPfEnMsr;

    /// <summary>MSR_KVM_ASYNC_PF_INT.</summary>
    [VmStateField("env.async_pf_int_msr", Subsection = AsyncPfIntSection)]
    public ulong AsyncPfIntMsr;

    /// <summary>MSR_KVM_PV_EOI_EN.</summary>
    [VmStateField("env.pv_eoi_en_msr", Subsection = PvEoiMsr)]
    public ulong PvEoiEnMsr;

    /// <summary>MSR_KVM_STEAL_TIME.</summary>
    [VmStateField("env.steal_time_msr", Subsection = StealTimeSection)]
    public ulong StealTimeMsr;

    /// <summary>MSR_KVM_POLL_CONTROL (KVM sets 1 on reset; a TCG CPU keeps 0, so QEMU sends it).</summary>
    [VmStateField("env.poll_control_msr", Subsection = PollControlSection)]
    public ulong PollControlMsr;

    // cpu/fpop_ip_dp

    /// <summary>Last x87 opcode.</summary>
    [VmStateField("env.fpop", Subsection = FpopIpDp)]
    public ushort Fpop;

    /// <summary>Last x87 instruction pointer.</summary>
    [VmStateField("env.fpip", Subsection = FpopIpDp)]
    public ulong Fpip;

    /// <summary>Last x87 data pointer.</summary>
    [VmStateField("env.fpdp", Subsection = FpopIpDp)]
    public ulong Fpdp;

    /// <summary>IA32_TSC_ADJUST.</summary>
    [VmStateField("env.tsc_adjust", Subsection = MsrTscAdjust)]
    public ulong TscAdjust;

    /// <summary>IA32_TSC_DEADLINE.</summary>
    [VmStateField("env.tsc_deadline", Subsection = MsrTscDeadline)]
    public ulong TscDeadline;

    /// <summary>IA32_MISC_ENABLE.</summary>
    [VmStateField("env.msr_ia32_misc_enable", Subsection = MsrMiscEnable, Default = MiscEnableDefault)]
    public ulong MsrIa32MiscEnable = MiscEnableDefault;

    /// <summary>IA32_FEATURE_CONTROL.</summary>
    [VmStateField("env.msr_ia32_feature_control", Subsection = MsrFeatureControl)]
    public ulong MsrIa32FeatureControl;

    // cpu/msr_architectural_pmu

    /// <summary>IA32_FIXED_CTR_CTRL.</summary>
    [VmStateField("env.msr_fixed_ctr_ctrl", Subsection = MsrArchitecturalPmu)]
    public ulong MsrFixedCtrCtrl;

    /// <summary>IA32_PERF_GLOBAL_CTRL.</summary>
    [VmStateField("env.msr_global_ctrl", Subsection = MsrArchitecturalPmu)]
    public ulong MsrGlobalCtrl;

    /// <summary>IA32_PERF_GLOBAL_STATUS.</summary>
    [VmStateField("env.msr_global_status", Subsection = MsrArchitecturalPmu)]
    public ulong MsrGlobalStatus;

    /// <summary>IA32_PERF_GLOBAL_OVF_CTRL.</summary>
    [VmStateField("env.msr_global_ovf_ctrl", Subsection = MsrArchitecturalPmu)]
    public ulong MsrGlobalOvfCtrl;

    /// <summary>Fixed-function counters.</summary>
    [VmStateField("env.msr_fixed_counters", Length = FixedCounters, Subsection = MsrArchitecturalPmu)]
    public ulong[] MsrFixedCounters { get; } = new ulong[FixedCounters];

    /// <summary>General-purpose counters.</summary>
    [VmStateField("env.msr_gp_counters", Length = GpCounters, Subsection = MsrArchitecturalPmu)]
    public ulong[] MsrGpCounters { get; } = new ulong[GpCounters];

    /// <summary>Event selectors of the general-purpose counters.</summary>
    [VmStateField("env.msr_gp_evtsel", Length = GpCounters, Subsection = MsrArchitecturalPmu)]
    public ulong[] MsrGpEvtsel { get; } = new ulong[GpCounters];

    // cpu/mpx

    /// <summary>BND0-BND3.</summary>
    [VmStateField("env.bnd_regs", Length = 4, Subsection = Mpx)]
    public BndReg[] BndRegs { get; } = new BndReg[4];

    /// <summary>BNDCFGU.</summary>
    [VmStateField("env.bndcs_regs.cfgu", Subsection = Mpx)]
    public ulong BndcsCfgu;

    /// <summary>BNDSTATUS.</summary>
    [VmStateField("env.bndcs_regs.sts", Subsection = Mpx)]
    public ulong BndcsSts;

    /// <summary>IA32_BNDCFGS.</summary>
    [VmStateField("env.msr_bndcfgs", Subsection = Mpx)]
    public ulong MsrBndcfgs;

    // Hyper-V enlightenments.

    /// <summary>HV_X64_MSR_GUEST_OS_ID.</summary>
    [VmStateField("env.msr_hv_guest_os_id", Subsection = HypervHypercall)]
    public ulong MsrHvGuestOsId;

    /// <summary>HV_X64_MSR_HYPERCALL.</summary>
    [VmStateField("env.msr_hv_hypercall", Subsection = HypervHypercall)]
    public ulong MsrHvHypercall;

    /// <summary>HV_X64_MSR_APIC_ASSIST_PAGE.</summary>
    [VmStateField("env.msr_hv_vapic", Subsection = HypervVapic)]
    public ulong MsrHvVapic;

    /// <summary>HV_X64_MSR_REFERENCE_TSC.</summary>
    [VmStateField("env.msr_hv_tsc", Subsection = HypervTime)]
    public ulong MsrHvTsc;

    /// <summary>HV_X64_MSR_CRASH_P0..P4.</summary>
    [VmStateField("env.msr_hv_crash_params", Length = 5, Subsection = HypervCrash)]
    public ulong[] MsrHvCrashParams { get; } = new ulong[5];

    /// <summary>HV_X64_MSR_VP_RUNTIME.</summary>
    [VmStateField("env.msr_hv_runtime", Subsection = HypervRuntime)]
    public ulong MsrHvRuntime;

    /// <summary>HV_X64_MSR_SCONTROL.</summary>
    [VmStateField("env.msr_hv_synic_control", Subsection = HypervSynic)]
    public ulong MsrHvSynicControl;

    /// <summary>HV_X64_MSR_SIEFP.</summary>
    [VmStateField("env.msr_hv_synic_evt_page", Subsection = HypervSynic)]
    public ulong MsrHvSynicEvtPage;

    /// <summary>HV_X64_MSR_SIMP.</summary>
    [VmStateField("env.msr_hv_synic_msg_page", Subsection = HypervSynic)]
    public ulong MsrHvSynicMsgPage;

    /// <summary>HV_X64_MSR_SINT0..15.</summary>
    [VmStateField("env.msr_hv_synic_sint", Length = 16, Subsection = HypervSynic)]
    public ulong[] MsrHvSynicSint { get; } = new ulong[16];

    /// <summary>HV_X64_MSR_STIMER0..3_CONFIG.</summary>
    [VmStateField("env.msr_hv_stimer_config", Length = 4, Subsection = HypervStimer)]
    public ulong[] MsrHvStimerConfig { get; } = new ulong[4];

    /// <summary>HV_X64_MSR_STIMER0..3_COUNT.</summary>
    [VmStateField("env.msr_hv_stimer_count", Length = 4, Subsection = HypervStimer)]
    public ulong[] MsrHvStimerCount { get; } = new ulong[4];

    /// <summary>HV_X64_MSR_REENLIGHTENMENT_CONTROL.</summary>
    [VmStateField("env.msr_hv_reenlightenment_control", Subsection = HypervReenlightenment)]
    public ulong MsrHvReenlightenmentControl;

    /// <summary>HV_X64_MSR_TSC_EMULATION_CONTROL.</summary>
    [VmStateField("env.msr_hv_tsc_emulation_control", Subsection = HypervReenlightenment)]
    public ulong MsrHvTscEmulationControl;

    /// <summary>HV_X64_MSR_TSC_EMULATION_STATUS.</summary>
    [VmStateField("env.msr_hv_tsc_emulation_status", Subsection = HypervReenlightenment)]
    public ulong MsrHvTscEmulationStatus;

    // cpu/avx512

    /// <summary>Opmask registers k0-k7.</summary>
    [VmStateField("env.opmask_regs", Length = 8, Subsection = Avx512)]
    public ulong[] OpmaskRegs { get; } = new ulong[8];

    // Bits 256-511 of registers 0-15.
    [VmStateField("env.xmm_regs", Length = RegisterCount, Subsection = Avx512)]
    private ZmmhRegView[] ZmmHigh => _zmmHigh;

    // Registers 16-31 whole.
    [VmStateField("env.xmm_regs", Start = RegisterCount, Length = RegisterCount, Subsection = Avx512)]
    private Hi16ZmmRegView[] ZmmUpper16 => _zmmUpper16;

    /// <summary>IA32_XSS.</summary>
    [VmStateField("env.xss", Subsection = Xss)]
    public ulong XssMsr;

    /// <summary>IA32_UMWAIT_CONTROL.</summary>
    [VmStateField("env.umwait", Subsection = Umwait)]
    public uint UmwaitControl;

    /// <summary>TSC frequency in kHz (0 when unknown, as under TCG).</summary>
    [VmStateField("env.tsc_khz", Subsection = TscKhzSection)]
    public long TscKhz;

    /// <summary>MSR_SMI_COUNT.</summary>
    [VmStateField("env.msr_smi_count", Subsection = MsrSmiCount)]
    public ulong MsrSmiCountValue;

    /// <summary>PKRU (user protection keys).</summary>
    [VmStateField("env.pkru", Subsection = Pkru)]
    public uint PkruValue;

    /// <summary>IA32_PKRS (supervisor protection keys).</summary>
    [VmStateField("env.pkrs", Subsection = Pkrs)]
    public uint PkrsValue;

    /// <summary>IA32_SPEC_CTRL.</summary>
    [VmStateField("env.spec_ctrl", Subsection = SpecCtrl)]
    public ulong SpecCtrlMsr;

    /// <summary>AMD TSC ratio MSR.</summary>
    [VmStateField("env.amd_tsc_scale_msr", Subsection = AmdTscScaleMsr)]
    public ulong AmdTscScale;

    /// <summary>IA32_MCG_EXT_CTL (local machine-check exceptions).</summary>
    [VmStateField("env.mcg_ext_ctl", Subsection = McgExtCtl)]
    public ulong McgExtCtlMsr;

    // cpu/intel_pt

    /// <summary>IA32_RTIT_CTL.</summary>
    [VmStateField("env.msr_rtit_ctrl", Subsection = IntelPt)]
    public ulong MsrRtitCtrl;

    /// <summary>IA32_RTIT_STATUS.</summary>
    [VmStateField("env.msr_rtit_status", Subsection = IntelPt)]
    public ulong MsrRtitStatus;

    /// <summary>IA32_RTIT_OUTPUT_BASE.</summary>
    [VmStateField("env.msr_rtit_output_base", Subsection = IntelPt)]
    public ulong MsrRtitOutputBase;

    /// <summary>IA32_RTIT_OUTPUT_MASK_PTRS.</summary>
    [VmStateField("env.msr_rtit_output_mask", Subsection = IntelPt)]
    public ulong MsrRtitOutputMask;

    /// <summary>IA32_RTIT_CR3_MATCH.</summary>
    [VmStateField("env.msr_rtit_cr3_match", Subsection = IntelPt)]
    public ulong MsrRtitCr3Match;

    /// <summary>IA32_RTIT_ADDR0_A..ADDR3_B.</summary>
    [VmStateField("env.msr_rtit_addrs", Length = 8, Subsection = IntelPt)]
    public ulong[] MsrRtitAddrs { get; } = new ulong[8];

    /// <summary>AMD VIRT_SPEC_CTRL.</summary>
    [VmStateField("env.virt_ssbd", Subsection = VirtSsbd)]
    public ulong VirtSsbdMsr;

    /// <summary>Nested page table root of the SVM guest.</summary>
    [VmStateField("env.nested_cr3", Subsection = SvmNpt)]
    public ulong NestedCr3;

    /// <summary>Paging mode of the SVM guest's nested tables.</summary>
    [VmStateField("env.nested_pg_mode", Subsection = SvmNpt)]
    public uint NestedPgMode;

    /// <summary>The VMCB's V_INTR control word of the running SVM guest (V_TPR in bits 0-3).</summary>
    [VmStateField("env.int_ctl", Subsection = SvmGuest)]
    public uint IntCtl;

    /// <summary>KVM's nested state; QEMU allocates it only under KVM (see <see cref="HasNestedState"/>).</summary>
    [VmStateField("env.nested_state", Subsection = NestedStateSection)]
    public KvmNestedState NestedState { get; } = new();

    /// <summary>IA32_TSX_CTRL.</summary>
    [VmStateField("env.tsx_ctrl", Subsection = MsrTsxCtrl)]
    public uint TsxCtrl;

    /// <summary>IA32_SGXLEPUBKEYHASH0..3.</summary>
    [VmStateField("env.msr_ia32_sgxlepubkeyhash", Length = 4, Subsection = IntelSgx)]
    public ulong[] MsrIa32SgxLePubKeyHash { get; } = new ulong[4];

    /// <summary>The four PAE page-directory pointers cached by an SVM guest.</summary>
    [VmStateField("env.pdptrs", Length = 4, Subsection = Pdptrs)]
    public ulong[] PdptrsValues { get; } = new ulong[4];

    /// <summary>IA32_XFD.</summary>
    [VmStateField("env.msr_xfd", Subsection = MsrXfd)]
    public ulong MsrXfdValue;

    /// <summary>IA32_XFD_ERR.</summary>
    [VmStateField("env.msr_xfd_err", Subsection = MsrXfd)]
    public ulong MsrXfdErr;

    /// <summary>AMX tile configuration (64 bytes).</summary>
    [VmStateField("env.xtilecfg", Length = 64, AsArray = true, Subsection = IntelAmxXtile)]
    public byte[] XtileCfg { get; } = new byte[64];

    /// <summary>AMX tile data (8 tiles of 1 KiB).</summary>
    [VmStateField("env.xtiledata", Length = 8192, AsArray = true, Subsection = IntelAmxXtile)]
    public byte[] XtileData { get; } = new byte[8192];

    // cpu/arch_lbr

    /// <summary>IA32_LBR_CTL.</summary>
    [VmStateField("env.msr_lbr_ctl", Subsection = ArchLbr)]
    public ulong MsrLbrCtl;

    /// <summary>IA32_LBR_DEPTH.</summary>
    [VmStateField("env.msr_lbr_depth", Subsection = ArchLbr)]
    public ulong MsrLbrDepth;

    /// <summary>The 32 architectural LBR entries (field version 1).</summary>
    [VmStateField("env.lbr_records", Length = 32, Since = 1, Subsection = ArchLbr)]
    public LbrEntry[] LbrRecords { get; } = new LbrEntry[32];

    /// <summary>A triple fault is pending (KVM notify VM exit).</summary>
    [VmStateField("env.triple_fault_pending", Subsection = TripleFault)]
    public byte TripleFaultPending;
}
