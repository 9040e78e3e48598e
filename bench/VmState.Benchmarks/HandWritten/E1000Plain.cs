using VmState.Qemu.E1000;

namespace VmState.Benchmarks.HandWritten;

/// <summary>The state every PCI function migrates: its description version, configuration space and pin levels.</summary>
public sealed class PciFunctionPlain
{
    /// <summary>Bytes of a conventional configuration space.</summary>
    public const int ConfigSize = 256;

    /// <summary>The version this side stores; an incoming value above it is refused.</summary>
    public int VersionId = 2;

    /// <summary>The configuration space.</summary>
    public byte[] Config = new byte[ConfigSize];

    /// <summary>INTA..INTD levels (0 or 1).</summary>
    public int[] IrqState = new int[4];
}

/// <summary>A transmit offload context: checksum offsets and TSO parameters.</summary>
public struct TxOffloadContext
{
    public byte Ipcss;
    public byte Ipcso;
    public ushort Ipcse;
    public byte Tucss;
    public byte Tucso;
    public ushort Tucse;
    public uint Paylen;
    public byte HdrLen;
    public ushort Mss;
    public sbyte Ip;
    public sbyte Tcp;

    /// <summary>TCP segmentation enabled (not migrated; picks which context the main fields carry).</summary>
    public bool Tse;
}

/// <summary>
/// The e1000 NIC as a device author would model it by hand for migration: public fields holding exactly what
/// <see cref="E1000Nic"/> migrates, the register file whole (the named registers are words of it).
/// </summary>
public sealed class E1000Plain
{
    /// <summary>Words in the register file.</summary>
    public const int MacRegCount = E1000Registers.Count;

    public PciFunctionPlain Pci = new();
    public uint RxbufSize;
    public uint RxbufMinShift;
    public uint EecdValIn;
    public ushort EecdBitnumIn;
    public ushort EecdBitnumOut;
    public ushort EecdReading;
    public uint EecdOldEecd;

    /// <summary>The context of the last non-TSO descriptor.</summary>
    public TxOffloadContext TxProps;

    /// <summary>The context of the last TSO descriptor.</summary>
    public TxOffloadContext TsoProps;

    public ushort TxSize;
    public ushort TxTsoFrames;
    public byte TxSumNeeded;
    public byte[] TxHeader = new byte[256];
    public byte[] TxData = new byte[0x10000];
    public ushort[] EepromData = new ushort[64];
    public ushort[] PhyReg = new ushort[0x20];
    public uint[] MacReg = new uint[MacRegCount];
    public bool MitIrqLevel;

    /// <summary>The machine type's compat flags: which subsections go (configuration, not migrated).</summary>
    public E1000Compat Compat = E1000Compat.All;

    /// <summary>Derived from STATUS on load (not migrated).</summary>
    public bool LinkDown;
}
