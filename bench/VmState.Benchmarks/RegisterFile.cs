using System.Buffers.Binary;
using MemoryPack;
using VmState.Benchmarks.HandWritten;
using VmState.Description;

namespace VmState.Benchmarks;

/// <summary>A typical device body: scalars, a register array, a buffer and a nested struct array.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0111", Justification = "The version only has to be above 1 so the version byte is not trivially zero.")]
[VmState("regfile", Version = 2)]
[MemoryPackable]
public sealed partial class RegisterFile
{
    [VmStateField("ctrl")] public uint Ctrl;
    [VmStateField("status")] public uint Status;
    [VmStateField("irq")] public bool Irq;
    [VmStateField("clock")] public long Clock;
    [VmStateField("regs", Length = 64)] public uint[] Regs = new uint[64];
    [VmStateField("ring", Length = 256)] public byte[] Ring = new byte[256];
    [VmStateField("phy", Length = 32)] public ushort[] Phy = new ushort[32];
    [VmStateField("chan", Length = 4)] public Channel[] Channels = [new(), new(), new(), new()];

    /// <summary>What a careful hand-written QEMU-format saver for the same layout looks like.</summary>
    public int SaveByHand(Span<byte> o)
    {
        int p = 0;
        BinaryPrimitives.WriteUInt32BigEndian(o[p..], Ctrl); p += 4;
        BinaryPrimitives.WriteUInt32BigEndian(o[p..], Status); p += 4;
        o[p++] = Irq ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64BigEndian(o[p..], Clock); p += 8;

        // Arrays: one bulk (vectorised) byte swap each, not a store per element.
        Be.U32s(o, ref p, Regs.AsSpan(0, 64));
        Be.Bytes(o, ref p, Ring.AsSpan(0, 256));
        Be.U16s(o, ref p, Phy.AsSpan(0, 32));

        foreach (Channel c in Channels)
        {
            BinaryPrimitives.WriteUInt64BigEndian(o[p..], c.Base); p += 8;
            BinaryPrimitives.WriteUInt32BigEndian(o[p..], c.Length); p += 4;
            BinaryPrimitives.WriteUInt16BigEndian(o[p..], c.Head); p += 2;
            BinaryPrimitives.WriteUInt16BigEndian(o[p..], c.Tail); p += 2;
        }

        return p;
    }

    /// <summary>The matching hand-written loader.</summary>
    public void LoadByHand(ReadOnlySpan<byte> i)
    {
        int p = 0;
        Ctrl = BinaryPrimitives.ReadUInt32BigEndian(i[p..]); p += 4;
        Status = BinaryPrimitives.ReadUInt32BigEndian(i[p..]); p += 4;
        Irq = i[p++] != 0;
        Clock = BinaryPrimitives.ReadInt64BigEndian(i[p..]); p += 8;
        Be.ReadU32s(i, ref p, Regs.AsSpan(0, 64));
        Be.ReadBytes(i, ref p, Ring.AsSpan(0, 256));
        Be.ReadU16s(i, ref p, Phy.AsSpan(0, 32));

        foreach (Channel c in Channels)
        {
            c.Base = BinaryPrimitives.ReadUInt64BigEndian(i[p..]); p += 8;
            c.Length = BinaryPrimitives.ReadUInt32BigEndian(i[p..]); p += 4;
            c.Head = BinaryPrimitives.ReadUInt16BigEndian(i[p..]); p += 2;
            c.Tail = BinaryPrimitives.ReadUInt16BigEndian(i[p..]); p += 2;
        }
    }
}

/// <summary>A DMA channel.</summary>
[VmState("regfile/chan")]
[MemoryPackable]
public sealed partial class Channel
{
    [VmStateField("base")] public ulong Base;
    [VmStateField("length")] public uint Length;
    [VmStateField("head")] public ushort Head;
    [VmStateField("tail")] public ushort Tail;
}
