using VmState.Description;
using VmState.Qemu.X86;

namespace VmState.Benchmarks.HandWritten;

public static partial class DeviceFixtures
{
    private const uint HflagsGuest = 1u << 21;
    private const uint Hflags2Npt = 1u << 6;

    /// <summary>
    /// A vCPU with random values in every migrated field and every one of the 43 subsections needed: all the
    /// feature flags on, a VMX nested state with both VMCS parts, an exception pending inside a nested guest.
    /// </summary>
    public static X86Cpu FilledX86Cpu(int seed)
    {
        var rng = new Random(seed);
        X86Cpu cpu = RandomMainFields(rng);
        cpu.Features = (X86CpuFeatures)0x7f;
        cpu.EnableLmce = true;
        cpu.HasNestedState = true;
        cpu.PdptrsValid = true;
        cpu.Hflags |= HflagsGuest; // a pending exception stays pending (and its subsection goes) only in a guest
        cpu.Hflags2 |= Hflags2Npt;

        cpu.ExceptionPending = 1;
        cpu.ExceptionInjected = (byte)rng.Next(2);
        cpu.ExceptionHasPayload = 1;
        cpu.ExceptionPayload = U64(rng) | 1;
        cpu.AsyncPfEnMsr = U64(rng) | 1;
        cpu.AsyncPfIntMsr = U64(rng) | 1;
        cpu.PvEoiEnMsr = U64(rng) | 1;
        cpu.StealTimeMsr = U64(rng) | 1;
        cpu.PollControlMsr = U64(rng) | 2;
        cpu.Fpop = (ushort)(rng.Next() | 1);
        cpu.Fpip = U64(rng);
        cpu.Fpdp = U64(rng);
        cpu.TscAdjust = U64(rng) | 1;
        cpu.TscDeadline = U64(rng) | 1;
        cpu.MsrIa32MiscEnable = U64(rng) | 2;
        cpu.MsrIa32FeatureControl = U64(rng) | 1;
        cpu.MsrFixedCtrCtrl = U64(rng);
        cpu.MsrGlobalCtrl = U64(rng);
        cpu.MsrGlobalStatus = U64(rng);
        cpu.MsrGlobalOvfCtrl = U64(rng);
        Fill(rng, cpu.MsrFixedCounters);
        Fill(rng, cpu.MsrGpCounters);
        Fill(rng, cpu.MsrGpEvtsel);
        for (int i = 0; i < cpu.BndRegs.Length; i++)
        {
            cpu.BndRegs[i] = new BndReg { Lower = U64(rng), Upper = U64(rng) };
        }

        cpu.BndcsCfgu = U64(rng);
        cpu.BndcsSts = U64(rng);
        cpu.MsrBndcfgs = U64(rng);
        cpu.MsrHvGuestOsId = U64(rng);
        cpu.MsrHvHypercall = U64(rng);
        cpu.MsrHvVapic = U64(rng) | 1;
        cpu.MsrHvTsc = U64(rng) | 1;
        Fill(rng, cpu.MsrHvCrashParams);
        cpu.MsrHvRuntime = U64(rng) | 1;
        cpu.MsrHvSynicControl = U64(rng);
        cpu.MsrHvSynicEvtPage = U64(rng);
        cpu.MsrHvSynicMsgPage = U64(rng);
        Fill(rng, cpu.MsrHvSynicSint);
        Fill(rng, cpu.MsrHvStimerConfig);
        Fill(rng, cpu.MsrHvStimerCount);
        cpu.MsrHvReenlightenmentControl = (U64(rng) | 1) & ~(1UL << 16); // no frequency-change notices: no pinned TSC needed
        cpu.MsrHvTscEmulationControl = U64(rng);
        cpu.MsrHvTscEmulationStatus = U64(rng);
        Fill(rng, cpu.OpmaskRegs);
        foreach (ZmmReg r in cpu.XmmRegs)
        {
            Fill(rng, r.Q);
        }

        cpu.XssMsr = U64(rng) | 1;
        cpu.UmwaitControl = U32(rng) | 1;
        cpu.TscKhz = rng.Next(1, int.MaxValue);
        cpu.MsrSmiCountValue = U64(rng) | 1;
        cpu.PkruValue = U32(rng) | 1;
        cpu.PkrsValue = U32(rng) | 1;
        cpu.SpecCtrlMsr = U64(rng) | 1;
        cpu.AmdTscScale = U64(rng);
        cpu.McgExtCtlMsr = U64(rng) | 1;
        cpu.MsrRtitCtrl = U64(rng);
        cpu.MsrRtitStatus = U64(rng);
        cpu.MsrRtitOutputBase = U64(rng);
        cpu.MsrRtitOutputMask = U64(rng);
        cpu.MsrRtitCr3Match = U64(rng);
        Fill(rng, cpu.MsrRtitAddrs);
        cpu.VirtSsbdMsr = U64(rng) | 1;
        cpu.NestedCr3 = U64(rng);
        cpu.NestedPgMode = U32(rng);
        cpu.IntCtl = U32(rng) | 1;

        KvmNestedState n = cpu.NestedState;
        n.StateFlags = (ushort)rng.Next();
        n.Format = KvmNestedState.FormatVmx;
        n.Size = KvmNestedState.HeaderSize + (2 * KvmNestedState.VmcsSize); // room for both VMCS parts
        n.VmxonPa = U64(rng) >> 1;
        n.Vmcs12Pa = U64(rng);
        n.VmxSmmFlags = (ushort)rng.Next();
        rng.NextBytes(n.Vmcs12);
        rng.NextBytes(n.ShadowVmcs12);
        n.VmcbPa = U64(rng);
        rng.NextBytes(n.Vmcb12);

        cpu.TsxCtrl = U32(rng);
        Fill(rng, cpu.MsrIa32SgxLePubKeyHash);
        Fill(rng, cpu.PdptrsValues);
        cpu.MsrXfdValue = U64(rng);
        cpu.MsrXfdErr = U64(rng);
        rng.NextBytes(cpu.XtileCfg);
        rng.NextBytes(cpu.XtileData);
        cpu.MsrLbrCtl = U64(rng);
        cpu.MsrLbrDepth = U64(rng);
        for (int i = 0; i < cpu.LbrRecords.Length; i++)
        {
            cpu.LbrRecords[i] = new LbrEntry { From = U64(rng), To = U64(rng), Info = U64(rng) };
        }

        cpu.TripleFaultPending = 1;
        return cpu;
    }

    /// <summary>
    /// A vCPU with random main fields and almost nothing in the subsections: only poll control (a TCG vCPU keeps
    /// 0, not KVM's 1) and the TSC frequency go.
    /// </summary>
    public static X86Cpu SparseX86Cpu(int seed)
    {
        var rng = new Random(seed);
        X86Cpu cpu = RandomMainFields(rng);
        cpu.Hflags &= ~HflagsGuest;
        cpu.Hflags2 &= ~Hflags2Npt;
        cpu.TscKhz = 2_400_000;
        foreach (ZmmReg r in cpu.XmmRegs)
        {
            // SSE and AVX halves only, so the AVX-512 subsection stays out.
            r.Q[0] = U64(rng);
            r.Q[1] = U64(rng);
            r.Q[2] = U64(rng);
            r.Q[3] = U64(rng);
        }

        for (int i = X86Cpu.RegisterCount; i < cpu.XmmRegs.Length; i++)
        {
            Array.Clear(cpu.XmmRegs[i].Q);
        }

        return cpu;
    }

    /// <summary>A hand-written mirror configured like <paramref name="cpu"/> (features and options), with no state yet.</summary>
    public static X86CpuPlain PlainLike(X86Cpu cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        return new X86CpuPlain
        {
            Features = cpu.Features,
            IsEmulated = cpu.IsEmulated,
            MigrateSmiCount = cpu.MigrateSmiCount,
            EnableLmce = cpu.EnableLmce,
            SaveTscKhz = cpu.SaveTscKhz,
            UserTscKhz = cpu.UserTscKhz,
            HasNestedState = cpu.HasNestedState,
        };
    }

    /// <summary>A hand-written mirror holding the state of <paramref name="cpu"/>, read from its generated bytes.</summary>
    public static X86CpuPlain PlainOf(X86Cpu cpu)
    {
        X86CpuPlain plain = PlainLike(cpu);
        X86CpuByHand.Load(plain, VmStateSerializer.Save(cpu), X86CpuByHand.Version);
        return plain;
    }

    // Random values in every field of the main list, kept to what a load leaves unchanged, so that the generated
    // bytes read back and written again are the same bytes.
    private static X86Cpu RandomMainFields(Random rng)
    {
        var cpu = new X86Cpu();
        Fill(rng, cpu.Regs);
        cpu.Eip = U64(rng);
        cpu.Eflags = U64(rng);
        cpu.Fpuc = (ushort)rng.Next();
        cpu.Fpus = (ushort)(rng.Next() & ~0x3800); // the stack top lives in Fpstt
        cpu.Fpstt = rng.Next(8);
        for (int i = 0; i < cpu.FpTags.Length; i++)
        {
            cpu.FpTags[i] = (byte)rng.Next(2);
        }

        for (int i = 0; i < cpu.FpRegs.Length; i++)
        {
            cpu.FpRegs[i] = new FpReg(U64(rng), (ushort)rng.Next());
        }

        for (int i = 0; i < cpu.Segs.Length; i++)
        {
            cpu.Segs[i] = Segment(rng);
        }

        cpu.Ldt = Segment(rng);
        cpu.Tr = Segment(rng);
        cpu.Gdt = Segment(rng);
        cpu.Idt = Segment(rng);

        // The load derives the CPL from SS's DPL.
        cpu.Hflags = (U32(rng) & ~3u) | (uint)cpu.Seg(X86Segment.Ss).Dpl;
        cpu.SysenterCs = U32(rng);
        cpu.SysenterEsp = U64(rng);
        cpu.SysenterEip = U64(rng);
        Fill(rng, cpu.Cr);
        cpu.Cr[0] |= 1; // protected mode, so the real-mode DPL fix-up leaves the segments alone
        cpu.Cr[1] = 0;
        Fill(rng, cpu.Dr);
        cpu.A20Mask = rng.Next() | int.MinValue;
        cpu.Mxcsr = U32(rng);
        cpu.Efer = U64(rng);
        cpu.Star = U64(rng);
        cpu.Lstar = U64(rng);
        cpu.Cstar = U64(rng);
        cpu.Fmask = U64(rng);
        cpu.KernelGsBase = U64(rng);
        cpu.Smbase = U32(rng);
        cpu.Pat = U64(rng);
        cpu.Hflags2 = U32(rng);
        cpu.VmHsave = U64(rng);
        cpu.VmVmcb = U64(rng);
        cpu.TscOffset = U64(rng);
        cpu.Intercept = U64(rng);
        cpu.InterceptCrRead = (ushort)rng.Next();
        cpu.InterceptCrWrite = (ushort)rng.Next();
        cpu.InterceptDrRead = (ushort)rng.Next();
        cpu.InterceptDrWrite = (ushort)rng.Next();
        cpu.InterceptExceptions = U32(rng);
        Fill(rng, cpu.MtrrFixed);
        cpu.MtrrDeftype = U64(rng);
        for (int i = 0; i < cpu.MtrrVars.Length; i++)
        {
            cpu.MtrrVars[i] = new MtrrVar { Base = U64(rng), Mask = U64(rng) };
        }

        cpu.InterruptInjected = rng.Next(-1, 256);
        cpu.MpState = U32(rng);
        cpu.Tsc = U64(rng);
        cpu.ExceptionNr = rng.Next(0, 32);
        cpu.ExceptionInjected = 1; // an exception number with nothing pending or injected is made injected on load
        cpu.SoftInterrupt = (byte)rng.Next();
        cpu.NmiInjected = (byte)rng.Next();
        cpu.NmiPending = (byte)rng.Next();
        cpu.HasErrorCode = (byte)rng.Next();
        cpu.SipiVector = U32(rng);
        cpu.McgCap = U64(rng);
        cpu.McgStatus = U64(rng);
        cpu.McgCtl = U64(rng);
        Fill(rng, cpu.MceBanks);
        cpu.TscAux = U64(rng);
        cpu.SystemTimeMsr = U64(rng);
        cpu.WallClockMsr = U64(rng);
        cpu.Xcr0 = U64(rng);
        cpu.XstateBv = U64(rng);
        return cpu;
    }

    private static SegmentCache Segment(Random rng) => new(U32(rng), U64(rng), U32(rng), U32(rng));

    private static void Fill(Random rng, ulong[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = U64(rng);
        }
    }
}
