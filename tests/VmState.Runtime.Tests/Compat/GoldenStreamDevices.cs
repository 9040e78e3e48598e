using VmState.Description;

namespace VmState.Runtime.Tests.Compat;

// One device, "k-gold", as it evolves: version 1 as it shipped, then evolutions that keep its old streams loading
// (a field by version bump, a subsection, a raised minimum) and edits that break them (a field moved, retyped,
// renamed) without a version bump. Every type has the same description name, as the releases of one device would.

[VmState("k-gold", Version = 1)]
[Subsection("k-gold/extra")]
public partial class GoldV1
{
    [VmStateField("a")] public uint A;
    [VmStateField("b")] public uint B;
    [VmStateField("arr", Length = 3)] public byte[] Arr = new byte[3];
    [VmStateField("tail")] public ushort Tail;
    [VmStateField("x", Subsection = "k-gold/extra")] public long X;
    [VmStateField("y", Subsection = "k-gold/extra")] public long Y;

    /// <summary>A state that is not all defaults, with the subsection sent.</summary>
    public static GoldV1 Sample() => new() { A = 1, B = 2, Arr = [3, 4, 5], Tail = 6, X = 7, Y = 8 };

    [Needed("k-gold/extra")] private bool ExtraNeeded() => X != 0 || Y != 0;
}

// Compatible: a field by version bump (with a default for old streams, and none in the constructor) and a new
// subsection that old streams lack.
[VmState("k-gold", Version = 2, MinimumVersion = 1)]
[Subsection("k-gold/extra")]
[Subsection("k-gold/more")]
public partial class GoldV2
{
    [VmStateField("a")] public uint A;
    [VmStateField("b")] public uint B;
    [VmStateField("arr", Length = 3)] public byte[] Arr = new byte[3];
    [VmStateField("tail")] public ushort Tail;
    [VmStateField("c", Since = 2, Default = 9u)] public uint C;
    [VmStateField("x", Subsection = "k-gold/extra")] public long X;
    [VmStateField("y", Subsection = "k-gold/extra")] public long Y;
    [VmStateField("z", Subsection = "k-gold/more")] public int Z;

    public static GoldV2 Sample() => new() { A = 11, B = 12, Arr = [13, 14, 15], Tail = 16, C = 17, X = 18, Y = 19, Z = 20 };

    [Needed("k-gold/extra")] private bool ExtraNeeded() => X != 0 || Y != 0;

    [Needed("k-gold/more")] private bool MoreNeeded() => Z != 0;
}

// Compatible for what it still accepts: version 1 streams are below its minimum.
[VmState("k-gold", Version = 3, MinimumVersion = 2)]
[Subsection("k-gold/extra")]
[Subsection("k-gold/more")]
public partial class GoldV3
{
    [VmStateField("a")] public uint A;
    [VmStateField("b")] public uint B;
    [VmStateField("arr", Length = 3)] public byte[] Arr = new byte[3];
    [VmStateField("tail")] public ushort Tail;
    [VmStateField("c", Since = 2, Default = 9u)] public uint C;
    [VmStateField("d", Since = 3)] public byte D;
    [VmStateField("x", Subsection = "k-gold/extra")] public long X;
    [VmStateField("y", Subsection = "k-gold/extra")] public long Y;
    [VmStateField("z", Subsection = "k-gold/more")] public int Z;

    [Needed("k-gold/extra")] private bool ExtraNeeded() => X != 0 || Y != 0;

    [Needed("k-gold/more")] private bool MoreNeeded() => Z != 0;
}

// The broken edits are made in place, at version 1, as a change that slips past review would be.

// Broken: a and b swapped, and x and y in the subsection. Every stream still loads, into the wrong fields.
[VmState("k-gold", Version = 1)]
[Subsection("k-gold/extra")]
public partial class GoldMoved
{
    [VmStateField("b")] public uint B;
    [VmStateField("a")] public uint A;
    [VmStateField("arr", Length = 3)] public byte[] Arr = new byte[3];
    [VmStateField("tail")] public ushort Tail;
    [VmStateField("y", Subsection = "k-gold/extra")] public long Y;
    [VmStateField("x", Subsection = "k-gold/extra")] public long X;

    [Needed("k-gold/extra")] private bool ExtraNeeded() => X != 0 || Y != 0;
}

// Broken: tail widened from uint16 to uint32.
[VmState("k-gold", Version = 1)]
[Subsection("k-gold/extra")]
public partial class GoldRetyped
{
    [VmStateField("a")] public uint A;
    [VmStateField("b")] public uint B;
    [VmStateField("arr", Length = 3)] public byte[] Arr = new byte[3];
    [VmStateField("tail")] public uint Tail;
    [VmStateField("x", Subsection = "k-gold/extra")] public long X;
    [VmStateField("y", Subsection = "k-gold/extra")] public long Y;

    [Needed("k-gold/extra")] private bool ExtraNeeded() => X != 0 || Y != 0;
}

// Broken for a reader of the schema, silent on the wire: a renamed to alpha.
[VmState("k-gold", Version = 1)]
[Subsection("k-gold/extra")]
public partial class GoldRenamed
{
    [VmStateField("alpha")] public uint A;
    [VmStateField("b")] public uint B;
    [VmStateField("arr", Length = 3)] public byte[] Arr = new byte[3];
    [VmStateField("tail")] public ushort Tail;
    [VmStateField("x", Subsection = "k-gold/extra")] public long X;
    [VmStateField("y", Subsection = "k-gold/extra")] public long Y;

    [Needed("k-gold/extra")] private bool ExtraNeeded() => X != 0 || Y != 0;
}

// Large values, for the JSON view's short forms.
[VmState("k-gold-big", Version = 1)]
public partial class GoldBig
{
    [VmStateField("data", Length = 256)] public byte[] Data = new byte[256];
    [VmStateField("zeros", Length = 200)] public byte[] Zeros = new byte[200];
    [VmStateField("regs", Length = 10)] public uint[] Regs = new uint[10];
}

// Compatible: a renamed to alpha, and y in the subsection to why, both recorded with FormerName.
[VmState("k-gold", Version = 1)]
[Subsection("k-gold/extra")]
public partial class GoldRenamedRecorded
{
    [VmStateField("alpha", FormerName = "a")] public uint A;
    [VmStateField("b")] public uint B;
    [VmStateField("arr", Length = 3)] public byte[] Arr = new byte[3];
    [VmStateField("tail")] public ushort Tail;
    [VmStateField("x", Subsection = "k-gold/extra")] public long X;
    [VmStateField("why", Subsection = "k-gold/extra", FormerName = "y")] public long Y;

    [Needed("k-gold/extra")] private bool ExtraNeeded() => X != 0 || Y != 0;
}
