using VmState.Codecs;
using VmState.Description;

namespace VmState.Runtime.Tests.Encoding;

// Small devices, one (or a few) per field kind, whose bytes the encoding tests compute by hand.

public enum ByteMode : byte
{
    Idle = 0,
    Busy = 0xa5,
}

public enum SignedMode : int
{
    Minus = -2,
    Big = 0x01020304,
}

public enum WideMode : ulong
{
    None = 0,
    High = 0x8000000000000001,
}

[VmState("k-bool")]
public partial class BoolDev
{
    [VmStateField("t")] public bool T;
    [VmStateField("f")] public bool F;
}

[VmState("k-u8")]
public partial class U8Dev
{
    [VmStateField("a")] public byte A;
    [VmStateField("b")] public byte B;
}

[VmState("k-u16")]
public partial class U16Dev
{
    [VmStateField("a")] public ushort A;
}

[VmState("k-u32")]
public partial class U32Dev
{
    [VmStateField("a")] public uint A;
}

[VmState("k-u64")]
public partial class U64Dev
{
    [VmStateField("a")] public ulong A;
}

[VmState("k-i8")]
public partial class I8Dev
{
    [VmStateField("a")] public sbyte A;
    [VmStateField("b")] public sbyte B;
}

[VmState("k-i16")]
public partial class I16Dev
{
    [VmStateField("a")] public short A;
    [VmStateField("b")] public short B;
}

[VmState("k-i32")]
public partial class I32Dev
{
    [VmStateField("a")] public int A;
    [VmStateField("b")] public int B;
}

[VmState("k-i64")]
public partial class I64Dev
{
    [VmStateField("a")] public long A;
    [VmStateField("b")] public long B;
}

[VmState("k-f64")]
public partial class F64Dev
{
    [VmStateField("a")] public double A;
    [VmStateField("b")] public double B;
}

[VmState("k-enum")]
public partial class EnumDev
{
    [VmStateField("m8")] public ByteMode M8;
    [VmStateField("m16")] public Mode M16;
    [VmStateField("m32")] public SignedMode M32;
    [VmStateField("m64")] public WideMode M64;
}

[VmState("k-timer")]
public partial class TimerDev
{
    [VmStateField("armed")] public VmTimer Armed;
    [VmStateField("idle")] public VmTimer Idle;
}

[VmState("k-fixed")]
public partial class FixedArrays
{
    [VmStateField("w", Length = 3)] public ushort[] W = new ushort[3];
    [VmStateField("s", Length = 2)] public int[] S = new int[2];
    [VmStateField("q", Length = 2)] public ulong[] Q = new ulong[2];
    [VmStateField("flags", Length = 3)] public bool[] Flags = new bool[3];
    [VmStateField("modes", Length = 2)] public Mode[] Modes = new Mode[2];
    [VmStateField("timers", Length = 2)] public VmTimer[] Timers = new VmTimer[2];
    [VmStateField("bytes", Length = 2, AsArray = true)] public byte[] Bytes = new byte[2];
    [VmStateField("sub", Start = 1, Length = 2)] public short[] Sub = new short[4];
}

[VmState("k-varray")]
public partial class VarArrays
{
    [VmStateField("n_i32")] public int NI32;
    [VmStateField("a_i32", Count = nameof(NI32))] public uint[] AI32 = [];
    [VmStateField("n_u8")] public byte NU8;
    [VmStateField("a_u8", Count = nameof(NU8))] public ushort[] AU8 = [];
    [VmStateField("n_u16")] public ushort NU16;
    [VmStateField("a_u16", Count = nameof(NU16))] public long[] AU16 = [];
    [VmStateField("n_u32")] public uint NU32;
    [VmStateField("a_u32", Count = nameof(NU32))] public short[] AU32 = [];
}

[VmState("k-buf")]
public partial class Buffers
{
    [VmStateField("fixed", Length = 4)] public byte[] Fixed = new byte[4];
    [VmStateField("partial", Start = 2, Length = 3)] public byte[] Partial = new byte[8];
    [VmStateField("len")] public uint Len;
    [VmStateField("data", Count = nameof(Len))] public byte[] Data = [];
}

[System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0111", Justification = "The test needs a nested version distinct from the parent.")]
[VmState("k-inner", Version = 3)]
[Subsection("k-inner/extra")]
public partial class Inner
{
    [VmStateField("x")] public uint X;
    [VmStateField("e", Subsection = "k-inner/extra")] public byte E;
    public bool ExtraNeeded;

    [Needed("k-inner/extra")]
    private bool IsExtraNeeded() => ExtraNeeded;
}

[VmState("k-nested")]
public partial class Nested
{
    [VmStateField("pos")] public Point Pos;
    [VmStateField("inner")] public Inner In = new();
    [VmStateField("pts", Length = 2)] public Point[] Pts = new Point[2];
    [VmStateField("n")] public byte N;
    [VmStateField("inners", Count = nameof(N))] public Inner[] Inners = [];
}

[VmState("k-unused")]
public partial class UnusedDev
{
    [VmStateField("a")] public byte A;

    [Unused(3)]
    [Unused(2)]
    [VmStateField("b")] public ushort B;
}

[VmState("k-checked")]
public partial class CheckedDev
{
    [VmStateField("ver", PositiveLe = true)] public int Ver;
    [VmStateField("e8", Equal = true)] public byte E8;
    [VmStateField("e16", Equal = true)] public ushort E16;
    [VmStateField("e32", Equal = true, ErrorHint = "queue count must match")] public uint E32;
    [VmStateField("ei32", Equal = true)] public int EI32;
    [VmStateField("e64", Equal = true)] public ulong E64;
}

[VmState("k-tmp-parent")]
public partial class TmpParent
{
    [VmStateField("a")] public byte A;
    [VmStateField("tmp")] public PackedTmp Tmp = new();
    [VmStateField("z")] public byte Z;

    // Not migrated directly: the temporary packs them into one be32.
    public ushort Hi;
    public ushort Lo;
}

[VmState("k-tmp")]
public partial class PackedTmp : IVmStateTmp<TmpParent>
{
    [VmStateField("packed")] public uint Packed;
    [VmStateField("hi_set")] public bool HiSet;

    public int FromParentCalls;
    public int ToParentCalls;

    public void FromParent(in TmpParent parent)
    {
        FromParentCalls++;
        Packed = ((uint)parent.Hi << 16) | parent.Lo;
        HiSet = parent.Hi != 0;
    }

    public void ToParent(ref TmpParent parent)
    {
        ToParentCalls++;
        parent.Hi = (ushort)(Packed >> 16);
        parent.Lo = (ushort)Packed;
    }
}

[VmState("k-validate")]
public partial class ValidateDev
{
    [VmStateField("count")] public byte Count;

    [Validate("count_ok")]
    private bool CountOk() => Count <= Limit;

    [VmStateField("after")] public ushort After;

    public byte Limit = 4;
}
