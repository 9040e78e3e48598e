using VmState.Description;

namespace VmState.Runtime.Tests.Failures;

[VmState("k-eqpt")]
public partial struct EqPoint
{
    [VmStateField("x", Equal = true)] public uint X;
    [VmStateField("y")] public uint Y;
}

// Named "dev" so that error locations read as in QEMU: dev/arr[2], dev/s.x, dev/sub/q.
[VmState("dev")]
[Subsection("dev/sub")]
public partial class PathDev
{
    [VmStateField("arr", Length = 3, Equal = true)] public uint[] Arr = new uint[3];
    [VmStateField("s")] public EqPoint S;
    [VmStateField("pts", Length = 2)] public EqPoint[] Pts = new EqPoint[2];
    [VmStateField("q", Subsection = "dev/sub", Equal = true, ErrorHint = "q must match")] public byte Q;
    public bool SubNeeded = true;

    [Needed("dev/sub")]
    private bool IsSubNeeded() => SubNeeded;
}
