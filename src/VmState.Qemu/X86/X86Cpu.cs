using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>
/// The migrated state of an x86-64 vCPU as QEMU 7.2 sends it: description <c>cpu</c>, version 12 (oldest accepted
/// 11), section id string <c>cpu</c> with the CPU index as instance. The main field list is QEMU's in its order
/// (general registers, x87, segments, control and debug registers, SSE, long-mode and SVM state, MTRRs, event
/// injection, machine check, the XSAVE header and the upper YMM halves since version 12), followed by the 43
/// subsections QEMU 7.2 declares for a 64-bit target, each with its <c>needed</c> rule. Field names are QEMU's; the
/// C# members are our own model. The architecture-independent part (<c>cpu_common</c>) is <see cref="Common"/>,
/// registered as its own section.
/// </summary>
[VmState("cpu", Version = 12, MinimumVersion = 11)]
[Subsection(ExceptionInfo, Version = 1)]
[Subsection(AsyncPfMsr, Version = 1)]
[Subsection(AsyncPfIntSection, Version = 1)]
[Subsection(PvEoiMsr, Version = 1)]
[Subsection(StealTimeSection, Version = 1)]
[Subsection(PollControlSection, Version = 1)]
[Subsection(FpopIpDp, Version = 1)]
[Subsection(MsrTscAdjust, Version = 1)]
[Subsection(MsrTscDeadline, Version = 1)]
[Subsection(MsrMiscEnable, Version = 1)]
[Subsection(MsrFeatureControl, Version = 1)]
[Subsection(MsrArchitecturalPmu, Version = 1)]
[Subsection(Mpx, Version = 1)]
[Subsection(HypervHypercall, Version = 1)]
[Subsection(HypervVapic, Version = 1)]
[Subsection(HypervTime, Version = 1)]
[Subsection(HypervCrash, Version = 1)]
[Subsection(HypervRuntime, Version = 1)]
[Subsection(HypervSynic, Version = 1)]
[Subsection(HypervStimer, Version = 1)]
[Subsection(HypervReenlightenment, Version = 1)]
[Subsection(Avx512, Version = 1)]
[Subsection(Xss, Version = 1)]
[Subsection(Umwait, Version = 1)]
[Subsection(TscKhzSection, Version = 1)]
[Subsection(MsrSmiCount, Version = 1)]
[Subsection(Pkru, Version = 1)]
[Subsection(Pkrs, Version = 1)]
[Subsection(SpecCtrl, Version = 1)]
[Subsection(AmdTscScaleMsr, Version = 1)]
[Subsection(McgExtCtl, Version = 1)]
[Subsection(IntelPt, Version = 1)]
[Subsection(VirtSsbd, Version = 1)]
[Subsection(SvmNpt, Version = 1)]
[Subsection(SvmGuest, Version = 1)]
[Subsection(NestedStateSection, Version = 1)]
[Subsection(MsrTsxCtrl, Version = 1)]
[Subsection(IntelSgx, Version = 1)]
[Subsection(Pdptrs, Version = 1)]
[Subsection(MsrXfd, Version = 1)]
[Subsection(IntelAmxXtile, Version = 1)]
[Subsection(ArchLbr, Version = 1)]
[Subsection(TripleFault, Version = 1)]
public sealed partial class X86Cpu
{
    /// <summary>General-purpose registers of x86-64 (<c>CPU_NB_REGS</c>); also the number of XMM registers below AVX-512.</summary>
    public const int RegisterCount = 16;

    /// <summary>Vector registers with AVX-512 (<c>xmm_regs</c> holds 32).</summary>
    public const int VectorRegisterCount = 32;

    /// <summary>Machine-check banks QEMU gives a CPU by default (<c>MCE_BANKS_DEF</c>); four MSRs each.</summary>
    public const int MceBankCount = 10;

    /// <summary>Variable-range MTRR pairs (<c>MSR_MTRRcap_VCNT</c>).</summary>
    public const int MtrrVarCount = 8;

    // QEMU 7.2's subsection names, in the order of its list.
    private const string ExceptionInfo = "cpu/exception_info";
    private const string AsyncPfMsr = "cpu/async_pf_msr";
    private const string AsyncPfIntSection = "cpu/async_pf_int_msr";
    private const string PvEoiMsr = "cpu/async_pv_eoi_msr";
    private const string StealTimeSection = "cpu/steal_time_msr";
    private const string PollControlSection = "cpu/poll_control_msr";
    private const string FpopIpDp = "cpu/fpop_ip_dp";
    private const string MsrTscAdjust = "cpu/msr_tsc_adjust";
    private const string MsrTscDeadline = "cpu/msr_tscdeadline";
    private const string MsrMiscEnable = "cpu/msr_ia32_misc_enable";
    private const string MsrFeatureControl = "cpu/msr_ia32_feature_control";
    private const string MsrArchitecturalPmu = "cpu/msr_architectural_pmu";
    private const string Mpx = "cpu/mpx";
    private const string HypervHypercall = "cpu/msr_hyperv_hypercall";
    private const string HypervVapic = "cpu/msr_hyperv_vapic";
    private const string HypervTime = "cpu/msr_hyperv_time";
    private const string HypervCrash = "cpu/msr_hyperv_crash";
    private const string HypervRuntime = "cpu/msr_hyperv_runtime";
    private const string HypervSynic = "cpu/msr_hyperv_synic";
    private const string HypervStimer = "cpu/msr_hyperv_stimer";
    private const string HypervReenlightenment = "cpu/msr_hyperv_reenlightenment";
    private const string Avx512 = "cpu/avx512";
    private const string Xss = "cpu/xss";
    private const string Umwait = "cpu/umwait";
    private const string TscKhzSection = "cpu/tsc_khz";
    private const string MsrSmiCount = "cpu/msr_smi_count";
    private const string Pkru = "cpu/pkru";
    private const string Pkrs = "cpu/pkrs";
    private const string SpecCtrl = "cpu/spec_ctrl";
    private const string AmdTscScaleMsr = "cpu/amd_tsc_scale_msr";
    private const string McgExtCtl = "cpu/mcg_ext_ctl";
    private const string IntelPt = "cpu/intel_pt";
    private const string VirtSsbd = "cpu/virt_ssbd";
    private const string SvmNpt = "cpu/svn_npt"; // sic: QEMU's name has the typo
    private const string SvmGuest = "cpu/svm_guest";
    private const string NestedStateSection = "cpu/nested_state";
    private const string MsrTsxCtrl = "cpu/msr_tsx_ctrl";
    private const string IntelSgx = "cpu/intel_sgx";
    private const string Pdptrs = "cpu/pdptrs";
    private const string MsrXfd = "cpu/msr_xfd";
    private const string IntelAmxXtile = "cpu/intel_amx_xtile";
    private const string ArchLbr = "cpu/arch_lbr";
    private const string TripleFault = "cpu/triple_fault";

    private readonly XmmRegView[] _xmmLow;
    private readonly YmmhRegView[] _ymmHigh;

    /// <summary>RAX..R15, in encoding order (see <see cref="X86Register"/>).</summary>
    [VmStateField("env.regs", Length = RegisterCount)]
    public ulong[] Regs { get; } = new ulong[RegisterCount];

    /// <summary>The instruction pointer (RIP).</summary>
    [VmStateField("env.eip")]
    public ulong Eip;

    /// <summary>RFLAGS.</summary>
    [VmStateField("env.eflags")]
    public ulong Eflags;

    /// <summary>QEMU's hidden mode flags (CPL in bits 0-1, protected/long mode, SMM, SVM guest, ...).</summary>
    [VmStateField("env.hflags")]
    public uint Hflags;

    /// <summary>x87 control word.</summary>
    [VmStateField("env.fpuc")]
    public ushort Fpuc;

    // x87 status word with the stack top folded into bits 11-13, as it goes on the wire.
    [VmStateField("env.fpus_vmstate")]
    private ushort _fpusVmstate;

    // x87 tag word in the abridged form: bit i set when register i is in use.
    [VmStateField("env.fptag_vmstate")]
    private ushort _fptagVmstate;

    // Always 0 (softfloat values); a non-zero value from a very old QEMU is refused.
    [VmStateField("env.fpregs_format_vmstate")]
    private ushort _fpregsFormatVmstate;

    /// <summary>The eight x87/MMX data registers, in physical order.</summary>
    [VmStateField("env.fpregs", Length = 8)]
    public FpReg[] FpRegs { get; } = new FpReg[8];

    /// <summary>ES, CS, SS, DS, FS, GS (see <see cref="X86Segment"/>).</summary>
    [VmStateField("env.segs", Length = 6)]
    public SegmentCache[] Segs { get; } = new SegmentCache[6];

    /// <summary>The local descriptor table register.</summary>
    [VmStateField("env.ldt")]
    public SegmentCache Ldt;

    /// <summary>The task register.</summary>
    [VmStateField("env.tr")]
    public SegmentCache Tr;

    /// <summary>The global descriptor table register (base and limit).</summary>
    [VmStateField("env.gdt")]
    public SegmentCache Gdt;

    /// <summary>The interrupt descriptor table register (base and limit).</summary>
    [VmStateField("env.idt")]
    public SegmentCache Idt;

    /// <summary>IA32_SYSENTER_CS.</summary>
    [VmStateField("env.sysenter_cs")]
    public uint SysenterCs;

    /// <summary>IA32_SYSENTER_ESP.</summary>
    [VmStateField("env.sysenter_esp")]
    public ulong SysenterEsp;

    /// <summary>IA32_SYSENTER_EIP.</summary>
    [VmStateField("env.sysenter_eip")]
    public ulong SysenterEip;

    /// <summary>CR0 to CR4 (CR1 is reserved and never migrated).</summary>
    public ulong[] Cr { get; } = new ulong[5];

    [VmStateField("env.cr[0]")]
    private ulong Cr0 { get => Cr[0]; set => Cr[0] = value; }

    [VmStateField("env.cr[2]")]
    private ulong Cr2 { get => Cr[2]; set => Cr[2] = value; }

    [VmStateField("env.cr[3]")]
    private ulong Cr3 { get => Cr[3]; set => Cr[3] = value; }

    [VmStateField("env.cr[4]")]
    private ulong Cr4 { get => Cr[4]; set => Cr[4] = value; }

    /// <summary>DR0 to DR7.</summary>
    [VmStateField("env.dr", Length = 8)]
    public ulong[] Dr { get; } = new ulong[8];

    /// <summary>Address mask of the A20 gate: all ones when A20 is enabled, bit 20 clear when not.</summary>
    [VmStateField("env.a20_mask")]
    public int A20Mask;

    /// <summary>SSE control and status.</summary>
    [VmStateField("env.mxcsr")]
    public uint Mxcsr;

    /// <summary>The 32 vector registers (XMM/YMM/ZMM 0-31).</summary>
    public ZmmReg[] XmmRegs { get; }

    // Low 128 bits of registers 0-15.
    [VmStateField("env.xmm_regs", Length = RegisterCount)]
    private XmmRegView[] XmmLow => _xmmLow;

    /// <summary>IA32_EFER.</summary>
    [VmStateField("env.efer")]
    public ulong Efer;

    /// <summary>IA32_STAR.</summary>
    [VmStateField("env.star")]
    public ulong Star;

    /// <summary>IA32_LSTAR.</summary>
    [VmStateField("env.lstar")]
    public ulong Lstar;

    /// <summary>IA32_CSTAR.</summary>
    [VmStateField("env.cstar")]
    public ulong Cstar;

    /// <summary>IA32_FMASK.</summary>
    [VmStateField("env.fmask")]
    public ulong Fmask;

    /// <summary>IA32_KERNEL_GS_BASE.</summary>
    [VmStateField("env.kernelgsbase")]
    public ulong KernelGsBase;

    /// <summary>SMRAM base.</summary>
    [VmStateField("env.smbase")]
    public uint Smbase;

    /// <summary>IA32_PAT.</summary>
    [VmStateField("env.pat")]
    public ulong Pat;

    /// <summary>More hidden flags (GIF, NMI blocking, nested paging, ...).</summary>
    [VmStateField("env.hflags2")]
    public uint Hflags2;

    /// <summary>SVM host save area address.</summary>
    [VmStateField("env.vm_hsave")]
    public ulong VmHsave;

    /// <summary>Address of the running VMCB.</summary>
    [VmStateField("env.vm_vmcb")]
    public ulong VmVmcb;

    /// <summary>TSC offset of the SVM guest.</summary>
    [VmStateField("env.tsc_offset")]
    public ulong TscOffset;

    /// <summary>SVM intercept vector.</summary>
    [VmStateField("env.intercept")]
    public ulong Intercept;

    /// <summary>SVM CR read intercepts.</summary>
    [VmStateField("env.intercept_cr_read")]
    public ushort InterceptCrRead;

    /// <summary>SVM CR write intercepts.</summary>
    [VmStateField("env.intercept_cr_write")]
    public ushort InterceptCrWrite;

    /// <summary>SVM DR read intercepts.</summary>
    [VmStateField("env.intercept_dr_read")]
    public ushort InterceptDrRead;

    /// <summary>SVM DR write intercepts.</summary>
    [VmStateField("env.intercept_dr_write")]
    public ushort InterceptDrWrite;

    /// <summary>SVM exception intercepts.</summary>
    [VmStateField("env.intercept_exceptions")]
    public uint InterceptExceptions;

    /// <summary>Virtual TPR of an SVM guest (derived from <see cref="IntCtl"/> before every save).</summary>
    [VmStateField("env.v_tpr")]
    public byte VTpr;

    /// <summary>The eleven fixed-range MTRRs.</summary>
    [VmStateField("env.mtrr_fixed", Length = 11)]
    public ulong[] MtrrFixed { get; } = new ulong[11];

    /// <summary>IA32_MTRR_DEF_TYPE.</summary>
    [VmStateField("env.mtrr_deftype")]
    public ulong MtrrDeftype;

    /// <summary>Variable-range MTRRs (on the wire since version 8).</summary>
    [VmStateField("env.mtrr_var", Length = MtrrVarCount, Since = 8)]
    public MtrrVar[] MtrrVars { get; } = new MtrrVar[MtrrVarCount];

    /// <summary>Vector of an interrupt being injected, or -1.</summary>
    [VmStateField("env.interrupt_injected")]
    public int InterruptInjected;

    /// <summary>KVM multiprocessing state (0 = runnable).</summary>
    [VmStateField("env.mp_state")]
    public uint MpState;

    /// <summary>Time-stamp counter.</summary>
    [VmStateField("env.tsc")]
    public ulong Tsc;

    /// <summary>Exception being delivered, or -1.</summary>
    [VmStateField("env.exception_nr")]
    public int ExceptionNr;

    /// <summary>The injected event is a software interrupt.</summary>
    [VmStateField("env.soft_interrupt")]
    public byte SoftInterrupt;

    /// <summary>An NMI is being injected.</summary>
    [VmStateField("env.nmi_injected")]
    public byte NmiInjected;

    /// <summary>An NMI is pending.</summary>
    [VmStateField("env.nmi_pending")]
    public byte NmiPending;

    /// <summary>The exception being delivered pushes an error code.</summary>
    [VmStateField("env.has_error_code")]
    public byte HasErrorCode;

    /// <summary>Vector of the last startup IPI.</summary>
    [VmStateField("env.sipi_vector")]
    public uint SipiVector;

    /// <summary>IA32_MCG_CAP.</summary>
    [VmStateField("env.mcg_cap")]
    public ulong McgCap;

    /// <summary>IA32_MCG_STATUS.</summary>
    [VmStateField("env.mcg_status")]
    public ulong McgStatus;

    /// <summary>IA32_MCG_CTL.</summary>
    [VmStateField("env.mcg_ctl")]
    public ulong McgCtl;

    /// <summary>CTL, STATUS, ADDR and MISC of each machine-check bank.</summary>
    [VmStateField("env.mce_banks", Length = MceBankCount * 4)]
    public ulong[] MceBanks { get; } = new ulong[MceBankCount * 4];

    /// <summary>IA32_TSC_AUX (RDTSCP).</summary>
    [VmStateField("env.tsc_aux")]
    public ulong TscAux;

    /// <summary>KVM pvclock system-time MSR.</summary>
    [VmStateField("env.system_time_msr")]
    public ulong SystemTimeMsr;

    /// <summary>KVM pvclock wall-clock MSR.</summary>
    [VmStateField("env.wall_clock_msr")]
    public ulong WallClockMsr;

    /// <summary>XCR0 (on the wire since version 12).</summary>
    [VmStateField("env.xcr0", Since = 12)]
    public ulong Xcr0;

    /// <summary>XSTATE_BV of the last XSAVE image (since version 12).</summary>
    [VmStateField("env.xstate_bv", Since = 12)]
    public ulong XstateBv;

    // Bits 128-255 of registers 0-15, since version 12.
    [VmStateField("env.xmm_regs", Length = RegisterCount, Since = 12)]
    private YmmhRegView[] YmmHigh => _ymmHigh;
}
