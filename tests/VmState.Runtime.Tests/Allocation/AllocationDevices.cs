using VmState.Codecs;
using VmState.Description;
using VmState.Runtime.Tests.Encoding;

namespace VmState.Runtime.Tests.Allocation;

[VmState("k-alloc", Version = 2)]
[Subsection("k-alloc/more")]
[Subsection("k-alloc/less")]
public partial class AllocDev
{
    [VmStateField("regs", Length = 8)] public uint[] Regs = new uint[8];
    [VmStateField("mac", Length = 6)] public byte[] Mac = new byte[6];
    [VmStateField("n")] public ushort N;
    [VmStateField("ring", Count = nameof(N))] public ulong[] Ring = new ulong[64];
    [VmStateField("len")] public int Len;
    [VmStateField("buf", Count = nameof(Len))] public byte[] Buf = new byte[256];
    [VmStateField("timer")] public VmTimer Timer;
    [VmStateField("modes", Length = 4)] public Mode[] Modes = new Mode[4];
    [VmStateField("timers", Length = 2)] public VmTimer[] Timers = new VmTimer[2];
    [VmStateField("inner")] public Inner In = new();
    [VmStateField("pts", Length = 4)] public Point[] Pts = new Point[4];
    [VmStateField("inners", Length = 2)] public Inner[] Inners = [new Inner(), new Inner()];
    [VmStateField("tmp")] public AllocTmp Tmp = new();
    [Unused(4)]
    [VmStateField("f64")] public double F;
    [VmStateField("chk", Equal = true)] public uint Chk = 0xc0ffee;
    [VmStateField("ver", PositiveLe = true)] public int Ver = 3;
    [VmStateField("x", Subsection = "k-alloc/more")] public long X;
    [VmStateField("more_buf", Subsection = "k-alloc/more", Length = 16)] public byte[] MoreBuf = new byte[16];
    [VmStateField("y", Subsection = "k-alloc/less")] public short Y;

    public ushort Packed1;
    public ushort Packed2;
    public bool LessNeeded;

    [Validate("n_ok")]
    private bool NOk() => N <= Ring.Length;

    [Needed("k-alloc/more")]
    private bool IsMoreNeeded() => true;

    [Needed("k-alloc/less")]
    private bool IsLessNeeded() => LessNeeded;

    [PostLoad]
    private void AfterLoad(int versionId) => LastVersion = versionId;

    public int LastVersion;
}

[VmState("k-alloc-tmp")]
public partial class AllocTmp : IVmStateTmp<AllocDev>
{
    [VmStateField("packed")] public uint Packed;

    public void FromParent(in AllocDev parent) => Packed = ((uint)parent.Packed1 << 16) | parent.Packed2;

    public void ToParent(ref AllocDev parent)
    {
        parent.Packed1 = (ushort)(Packed >> 16);
        parent.Packed2 = (ushort)Packed;
    }
}
