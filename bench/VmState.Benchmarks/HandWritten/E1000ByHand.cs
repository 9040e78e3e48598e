using VmState.Qemu.E1000;
using R = VmState.Qemu.E1000.E1000Registers;

namespace VmState.Benchmarks.HandWritten;

/// <summary>
/// The best hand-written saver and loader of QEMU's <c>e1000</c> description (version 2) for <see cref="E1000Plain"/>:
/// straight-line big-endian stores on a span, arrays swapped in bulk, buffers copied, subsection headers prebuilt.
/// Writes exactly what the generated <see cref="E1000Nic"/> code writes for the same state.
/// </summary>
public static class E1000ByHand
{
    /// <summary>The version written.</summary>
    public const int Version = 2;

    /// <summary>The oldest version read.</summary>
    public const int MinimumVersion = 1;

    private const int Mit = 0;
    private const int FullMac = 1;
    private const int Tso = 2;

    // Indexed by the constants above, in the order they are sent.
    private static readonly byte[][] Headers =
    [
        Be.SubsectionHeader("e1000/mit_state", 1),
        Be.SubsectionHeader("e1000/full_mac_state", 1),
        Be.SubsectionHeader("e1000/tx_tso_state", 1),
    ];

    /// <summary>Bytes <see cref="Save"/> needs at most (every subsection).</summary>
    public static int MaxSize { get; } = ComputeMaxSize();

    private static ReadOnlySpan<byte> Parent => "e1000"u8;

    /// <summary>Writes the state to <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Save(E1000Plain s, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(s);
        Span<byte> d = destination;
        int p = 0;

        PciFunctionPlain pci = s.Pci;
        Be.I32(d, ref p, pci.VersionId);
        Be.Bytes(d, ref p, pci.Config.AsSpan(0, PciFunctionPlain.ConfigSize));
        Be.I32s(d, ref p, pci.IrqState.AsSpan(0, 4));

        Be.Zeros(d, ref p, 4); // an unused word left where the MMIO base once was
        Be.U32(d, ref p, s.RxbufSize);
        Be.U32(d, ref p, s.RxbufMinShift);
        Be.U32(d, ref p, s.EecdValIn);
        Be.U16(d, ref p, s.EecdBitnumIn);
        Be.U16(d, ref p, s.EecdBitnumOut);
        Be.U16(d, ref p, s.EecdReading);
        Be.U32(d, ref p, s.EecdOldEecd);

        // With the TSO subsection the main fields carry the plain context; without it, whichever was used last.
        E1000Compat compat = s.Compat;
        ref readonly TxOffloadContext mig = ref ((compat & E1000Compat.Tso) != 0 || !s.TsoProps.Tse ? ref s.TxProps : ref s.TsoProps);
        Be.U8(d, ref p, mig.Ipcss);
        Be.U8(d, ref p, mig.Ipcso);
        Be.U16(d, ref p, mig.Ipcse);
        Be.U8(d, ref p, mig.Tucss);
        Be.U8(d, ref p, mig.Tucso);
        Be.U16(d, ref p, mig.Tucse);
        Be.U32(d, ref p, mig.Paylen);
        Be.U8(d, ref p, mig.HdrLen);
        Be.U16(d, ref p, mig.Mss);
        Be.U16(d, ref p, s.TxSize);
        Be.U16(d, ref p, s.TxTsoFrames);
        Be.U8(d, ref p, s.TxSumNeeded);
        Be.U8(d, ref p, (byte)mig.Ip);
        Be.U8(d, ref p, (byte)mig.Tcp);
        Be.Bytes(d, ref p, s.TxHeader.AsSpan(0, 256));
        Be.Bytes(d, ref p, s.TxData.AsSpan(0, 0x10000));
        Be.U16s(d, ref p, s.EepromData.AsSpan(0, 64));
        Be.U16s(d, ref p, s.PhyReg.AsSpan(0, 0x20));

        uint[] m = s.MacReg;
        _ = m[R.Count - 1]; // one range check covers every named register below
        Be.U32(d, ref p, m[R.Ctrl]);
        Be.U32(d, ref p, m[R.Eecd]);
        Be.U32(d, ref p, m[R.Eerd]);
        Be.U32(d, ref p, m[R.Gprc]);
        Be.U32(d, ref p, m[R.Gptc]);
        Be.U32(d, ref p, m[R.Icr]);
        Be.U32(d, ref p, m[R.Ics]);
        Be.U32(d, ref p, m[R.Imc]);
        Be.U32(d, ref p, m[R.Ims]);
        Be.U32(d, ref p, m[R.Ledctl]);
        Be.U32(d, ref p, m[R.Manc]);
        Be.U32(d, ref p, m[R.Mdic]);
        Be.U32(d, ref p, m[R.Mpc]);
        Be.U32(d, ref p, m[R.Pba]);
        Be.U32(d, ref p, m[R.Rctl]);
        Be.U32(d, ref p, m[R.Rdbah]);
        Be.U32(d, ref p, m[R.Rdbal]);
        Be.U32(d, ref p, m[R.Rdh]);
        Be.U32(d, ref p, m[R.Rdlen]);
        Be.U32(d, ref p, m[R.Rdt]);
        Be.U32(d, ref p, m[R.Status]);
        Be.U32(d, ref p, m[R.Swsm]);
        Be.U32(d, ref p, m[R.Tctl]);
        Be.U32(d, ref p, m[R.Tdbah]);
        Be.U32(d, ref p, m[R.Tdbal]);
        Be.U32(d, ref p, m[R.Tdh]);
        Be.U32(d, ref p, m[R.Tdlen]);
        Be.U32(d, ref p, m[R.Tdt]);
        Be.U32(d, ref p, m[R.Torh]);
        Be.U32(d, ref p, m[R.Torl]);
        Be.U32(d, ref p, m[R.Toth]);
        Be.U32(d, ref p, m[R.Totl]);
        Be.U32(d, ref p, m[R.Tpr]);
        Be.U32(d, ref p, m[R.Tpt]);
        Be.U32(d, ref p, m[R.Txdctl]);
        Be.U32(d, ref p, m[R.Wufc]);
        Be.U32(d, ref p, m[R.Vet]);
        Be.U32s(d, ref p, m.AsSpan(R.Ra, 32));
        Be.U32s(d, ref p, m.AsSpan(R.Mta, 128));
        Be.U32s(d, ref p, m.AsSpan(R.Vfta, 128));

        if ((compat & E1000Compat.Mitigation) != 0)
        {
            Be.Bytes(d, ref p, Headers[Mit]);
            Be.U32(d, ref p, m[R.Rdtr]);
            Be.U32(d, ref p, m[R.Radv]);
            Be.U32(d, ref p, m[R.Tadv]);
            Be.U32(d, ref p, m[R.Itr]);
            Be.Bool(d, ref p, s.MitIrqLevel);
        }

        if ((compat & E1000Compat.FullMac) != 0)
        {
            Be.Bytes(d, ref p, Headers[FullMac]);
            Be.U32s(d, ref p, m.AsSpan(0, R.Count));
        }

        if ((compat & E1000Compat.Tso) != 0)
        {
            ref readonly TxOffloadContext t = ref s.TsoProps;
            Be.Bytes(d, ref p, Headers[Tso]);
            Be.U8(d, ref p, t.Ipcss);
            Be.U8(d, ref p, t.Ipcso);
            Be.U16(d, ref p, t.Ipcse);
            Be.U8(d, ref p, t.Tucss);
            Be.U8(d, ref p, t.Tucso);
            Be.U16(d, ref p, t.Tucse);
            Be.U32(d, ref p, t.Paylen);
            Be.U8(d, ref p, t.HdrLen);
            Be.U16(d, ref p, t.Mss);
            Be.U8(d, ref p, (byte)t.Ip);
            Be.U8(d, ref p, (byte)t.Tcp);
        }

        return p;
    }

    /// <summary>Reads what <see cref="Save"/> (or the generated code) wrote at <paramref name="versionId"/>.</summary>
    public static void Load(E1000Plain s, ReadOnlySpan<byte> source, int versionId)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (versionId is < MinimumVersion or > Version)
        {
            throw new InvalidDataException($"e1000 version {versionId} is outside [{MinimumVersion}, {Version}]");
        }

        ReadOnlySpan<byte> src = source;
        int p = 0;

        PciFunctionPlain pci = s.Pci;
        int pciVersion = Be.ReadI32(src, ref p);
        if (pciVersion < 0 || pciVersion > pci.VersionId)
        {
            throw new InvalidDataException($"PCI version_id {pciVersion} is not in [0, {pci.VersionId}]");
        }

        pci.VersionId = pciVersion;
        Be.ReadBytes(src, ref p, pci.Config.AsSpan(0, PciFunctionPlain.ConfigSize));
        Span<int> pins = stackalloc int[4];
        Be.ReadI32s(src, ref p, pins);
        if (((uint)pins[0] | (uint)pins[1] | (uint)pins[2] | (uint)pins[3]) > 1)
        {
            throw new InvalidDataException("An interrupt pin level is neither 0 nor 1");
        }

        pins.CopyTo(pci.IrqState);

        p += versionId == 1 ? 8 : 4; // unused words: the instance id (version 1 only) and the MMIO base
        s.RxbufSize = Be.ReadU32(src, ref p);
        s.RxbufMinShift = Be.ReadU32(src, ref p);
        s.EecdValIn = Be.ReadU32(src, ref p);
        s.EecdBitnumIn = Be.ReadU16(src, ref p);
        s.EecdBitnumOut = Be.ReadU16(src, ref p);
        s.EecdReading = Be.ReadU16(src, ref p);
        s.EecdOldEecd = Be.ReadU32(src, ref p);

        TxOffloadContext mig = default;
        mig.Ipcss = Be.ReadU8(src, ref p);
        mig.Ipcso = Be.ReadU8(src, ref p);
        mig.Ipcse = Be.ReadU16(src, ref p);
        mig.Tucss = Be.ReadU8(src, ref p);
        mig.Tucso = Be.ReadU8(src, ref p);
        mig.Tucse = Be.ReadU16(src, ref p);
        mig.Paylen = Be.ReadU32(src, ref p);
        mig.HdrLen = Be.ReadU8(src, ref p);
        mig.Mss = Be.ReadU16(src, ref p);
        s.TxSize = Be.ReadU16(src, ref p);
        s.TxTsoFrames = Be.ReadU16(src, ref p);
        s.TxSumNeeded = Be.ReadU8(src, ref p);
        mig.Ip = (sbyte)Be.ReadU8(src, ref p);
        mig.Tcp = (sbyte)Be.ReadU8(src, ref p);
        Be.ReadBytes(src, ref p, s.TxHeader.AsSpan(0, 256));
        Be.ReadBytes(src, ref p, s.TxData.AsSpan(0, 0x10000));
        Be.ReadU16s(src, ref p, s.EepromData.AsSpan(0, 64));
        Be.ReadU16s(src, ref p, s.PhyReg.AsSpan(0, 0x20));

        uint[] m = s.MacReg;
        _ = m[R.Count - 1];
        m[R.Ctrl] = Be.ReadU32(src, ref p);
        m[R.Eecd] = Be.ReadU32(src, ref p);
        m[R.Eerd] = Be.ReadU32(src, ref p);
        m[R.Gprc] = Be.ReadU32(src, ref p);
        m[R.Gptc] = Be.ReadU32(src, ref p);
        m[R.Icr] = Be.ReadU32(src, ref p);
        m[R.Ics] = Be.ReadU32(src, ref p);
        m[R.Imc] = Be.ReadU32(src, ref p);
        m[R.Ims] = Be.ReadU32(src, ref p);
        m[R.Ledctl] = Be.ReadU32(src, ref p);
        m[R.Manc] = Be.ReadU32(src, ref p);
        m[R.Mdic] = Be.ReadU32(src, ref p);
        m[R.Mpc] = Be.ReadU32(src, ref p);
        m[R.Pba] = Be.ReadU32(src, ref p);
        m[R.Rctl] = Be.ReadU32(src, ref p);
        m[R.Rdbah] = Be.ReadU32(src, ref p);
        m[R.Rdbal] = Be.ReadU32(src, ref p);
        m[R.Rdh] = Be.ReadU32(src, ref p);
        m[R.Rdlen] = Be.ReadU32(src, ref p);
        m[R.Rdt] = Be.ReadU32(src, ref p);
        m[R.Status] = Be.ReadU32(src, ref p);
        m[R.Swsm] = Be.ReadU32(src, ref p);
        m[R.Tctl] = Be.ReadU32(src, ref p);
        m[R.Tdbah] = Be.ReadU32(src, ref p);
        m[R.Tdbal] = Be.ReadU32(src, ref p);
        m[R.Tdh] = Be.ReadU32(src, ref p);
        m[R.Tdlen] = Be.ReadU32(src, ref p);
        m[R.Tdt] = Be.ReadU32(src, ref p);
        m[R.Torh] = Be.ReadU32(src, ref p);
        m[R.Torl] = Be.ReadU32(src, ref p);
        m[R.Toth] = Be.ReadU32(src, ref p);
        m[R.Totl] = Be.ReadU32(src, ref p);
        m[R.Tpr] = Be.ReadU32(src, ref p);
        m[R.Tpt] = Be.ReadU32(src, ref p);
        m[R.Txdctl] = Be.ReadU32(src, ref p);
        m[R.Wufc] = Be.ReadU32(src, ref p);
        m[R.Vet] = Be.ReadU32(src, ref p);
        Be.ReadU32s(src, ref p, m.AsSpan(R.Ra, 32));
        Be.ReadU32s(src, ref p, m.AsSpan(R.Mta, 128));
        Be.ReadU32s(src, ref p, m.AsSpan(R.Vfta, 128));

        bool receivedTso = false;
        int k = 0;
        while ((k = Be.NextSubsection(src, ref p, Headers, k, Parent)) >= 0)
        {
            switch (k)
            {
                case Mit:
                    m[R.Rdtr] = Be.ReadU32(src, ref p);
                    m[R.Radv] = Be.ReadU32(src, ref p);
                    m[R.Tadv] = Be.ReadU32(src, ref p);
                    m[R.Itr] = Be.ReadU32(src, ref p);
                    s.MitIrqLevel = Be.ReadBool(src, ref p);
                    break;
                case FullMac:
                    Be.ReadU32s(src, ref p, m.AsSpan(0, R.Count));
                    break;
                default:
                    ref TxOffloadContext t = ref s.TsoProps;
                    t.Ipcss = Be.ReadU8(src, ref p);
                    t.Ipcso = Be.ReadU8(src, ref p);
                    t.Ipcse = Be.ReadU16(src, ref p);
                    t.Tucss = Be.ReadU8(src, ref p);
                    t.Tucso = Be.ReadU8(src, ref p);
                    t.Tucse = Be.ReadU16(src, ref p);
                    t.Paylen = Be.ReadU32(src, ref p);
                    t.HdrLen = Be.ReadU8(src, ref p);
                    t.Mss = Be.ReadU16(src, ref p);
                    t.Ip = (sbyte)Be.ReadU8(src, ref p);
                    t.Tcp = (sbyte)Be.ReadU8(src, ref p);
                    receivedTso = true;
                    break;
            }

            k++;
        }

        const uint statusLinkUp = 0x2;
        s.LinkDown = (m[R.Status] & statusLinkUp) == 0;
        s.TxProps = mig;
        if (!receivedTso)
        {
            // Only one context arrived: the best guess for the other is the same one.
            s.TsoProps = mig;
        }
    }

    private static int ComputeMaxSize()
    {
        var all = new E1000Plain();
        return Save(all, new byte[1 << 18]);
    }
}
