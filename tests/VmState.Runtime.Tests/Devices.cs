using VmState.Codecs;
using VmState.Description;

namespace VmState.Runtime.Tests;

// Test devices covering every field kind; each test file checks their bytes against hand-computed QEMU encodings.

public enum Mode : ushort
{
    Off = 0,
    On = 0x1234,
}

[VmState("prims", Version = 1)]
public partial class Primitives
{
    [VmStateField("b1")] public bool B1;
    [VmStateField("b2")] public bool B2;
    [VmStateField("u8")] public byte U8;
    [VmStateField("u16")] public ushort U16;
    [VmStateField("u32")] public uint U32;
    [VmStateField("u64")] public ulong U64;
    [VmStateField("i8")] public sbyte I8;
    [VmStateField("i16")] public short I16;
    [VmStateField("i32")] public int I32;
    [VmStateField("i64")] public long I64;
    [VmStateField("f64")] public double F64;
    [VmStateField("mode")] public Mode Mode;
    [VmStateField("timer")] public VmTimer Timer;
    [VmStateField("prop")] public uint Prop { get; set; }
}

[VmState("point", Version = 1)]
public partial struct Point
{
    [VmStateField("x")] public int X;
    [VmStateField("y")] public int Y;
}

[VmState("mydev", Version = 2, MinimumVersion = 1)]
[Subsection("mydev/sub", Version = 1)]
public partial class MyDev
{
    [VmStateField("a")] public uint A;
    [VmStateField("b", Since = 2, Default = true)] public bool B;
    [VmStateField("arr", Length = 3)] public ushort[] Arr = new ushort[3];
    [VmStateField("x", Subsection = "mydev/sub")] public long X;
    public bool SubNeeded;

    [Needed("mydev/sub")]
    private bool IsSubNeeded() => SubNeeded;
}
