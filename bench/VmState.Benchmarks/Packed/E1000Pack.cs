using MemoryPack;
using VmState.Benchmarks.HandWritten;
using VmState.Qemu.E1000;

namespace VmState.Benchmarks.Packed;

/// <summary>
/// The e1000 state of <see cref="E1000Plain"/> for MemoryPack: the same members, in MemoryPack's own little-endian
/// format. The offload contexts are unmanaged structs, which MemoryPack copies as raw memory.
/// </summary>
[MemoryPackable]
public sealed partial class E1000Pack
{
    public int PciVersionId;
    public byte[] PciConfig = [];
    public int[] PciIrqState = [];
    public uint RxbufSize;
    public uint RxbufMinShift;
    public uint EecdValIn;
    public ushort EecdBitnumIn;
    public ushort EecdBitnumOut;
    public ushort EecdReading;
    public uint EecdOldEecd;
    public TxOffloadContext TxProps;
    public TxOffloadContext TsoProps;
    public ushort TxSize;
    public ushort TxTsoFrames;
    public byte TxSumNeeded;
    public byte[] TxHeader = [];
    public byte[] TxData = [];
    public ushort[] EepromData = [];
    public ushort[] PhyReg = [];
    public uint[] MacReg = [];
    public bool MitIrqLevel;
    public E1000Compat Compat;

    /// <summary>A copy of <paramref name="s"/>'s state (arrays copied, so the two never alias).</summary>
    public static E1000Pack From(E1000Plain s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new E1000Pack
        {
            PciVersionId = s.Pci.VersionId,
            PciConfig = [.. s.Pci.Config],
            PciIrqState = [.. s.Pci.IrqState],
            RxbufSize = s.RxbufSize,
            RxbufMinShift = s.RxbufMinShift,
            EecdValIn = s.EecdValIn,
            EecdBitnumIn = s.EecdBitnumIn,
            EecdBitnumOut = s.EecdBitnumOut,
            EecdReading = s.EecdReading,
            EecdOldEecd = s.EecdOldEecd,
            TxProps = s.TxProps,
            TsoProps = s.TsoProps,
            TxSize = s.TxSize,
            TxTsoFrames = s.TxTsoFrames,
            TxSumNeeded = s.TxSumNeeded,
            TxHeader = [.. s.TxHeader],
            TxData = [.. s.TxData],
            EepromData = [.. s.EepromData],
            PhyReg = [.. s.PhyReg],
            MacReg = [.. s.MacReg],
            MitIrqLevel = s.MitIrqLevel,
            Compat = s.Compat,
        };
    }

    /// <summary>The state back as a <see cref="E1000Plain"/>, for checking that nothing was lost.</summary>
    public E1000Plain ToPlain()
    {
        var s = new E1000Plain
        {
            RxbufSize = RxbufSize,
            RxbufMinShift = RxbufMinShift,
            EecdValIn = EecdValIn,
            EecdBitnumIn = EecdBitnumIn,
            EecdBitnumOut = EecdBitnumOut,
            EecdReading = EecdReading,
            EecdOldEecd = EecdOldEecd,
            TxProps = TxProps,
            TsoProps = TsoProps,
            TxSize = TxSize,
            TxTsoFrames = TxTsoFrames,
            TxSumNeeded = TxSumNeeded,
            TxHeader = [.. TxHeader],
            TxData = [.. TxData],
            EepromData = [.. EepromData],
            PhyReg = [.. PhyReg],
            MacReg = [.. MacReg],
            MitIrqLevel = MitIrqLevel,
            Compat = Compat,
        };
        s.Pci.VersionId = PciVersionId;
        s.Pci.Config = [.. PciConfig];
        s.Pci.IrqState = [.. PciIrqState];
        return s;
    }
}
