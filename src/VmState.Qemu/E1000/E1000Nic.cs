using VmState.Description;
using VmState.Qemu.Pci;

namespace VmState.Qemu.E1000;

/// <summary>
/// The migrated state of QEMU 7.2's <c>e1000</c> NIC (Intel 82540EM), version 2, minimum 1: the PCI function, the
/// receive/EEPROM state, the offload context in use, the transmit buffers, EEPROM and PHY words, the named MAC
/// registers and three slices of the register file, then three subsections that QEMU's compat flags switch on.
/// Field order, names, kinds and tests follow QEMU's description exactly; the C# side is our own model.
/// </summary>
[VmState("e1000", Version = 2, MinimumVersion = 1)]
[Subsection(MitState, Version = 1)]
[Subsection(FullMacState, Version = 1)]
[Subsection(TsoState, Version = 1)]
public sealed partial class E1000Nic
{
    private const string MitState = "e1000/mit_state";
    private const string FullMacState = "e1000/full_mac_state";
    private const string TsoState = "e1000/tx_tso_state";

    private E1000TxProps _migProps;
    private bool _receivedTxTso;

    /// <summary>The PCI function (vendor 8086, device 100e).</summary>
    [VmStateField("parent_obj")]
    public PciDevice ParentObj { get; } = new();

    /// <summary>Receive buffer size in bytes, from RCTL.</summary>
    [Unused(4, Exists = nameof(IsVersion1))] // was the instance id
    [Unused(4)] // was the MMIO base
    [VmStateField("rxbuf_size")]
    public uint RxbufSize;

    /// <summary>log2 of the receive descriptor threshold divisor, from RCTL.</summary>
    [VmStateField("rxbuf_min_shift")]
    public uint RxbufMinShift;

    /// <summary>Microwire EEPROM interface state.</summary>
    [VmStateField("eecd_state.val_in")]
    public uint EecdValIn;

    /// <summary>EEPROM interface: bits shifted in so far.</summary>
    [VmStateField("eecd_state.bitnum_in")]
    public ushort EecdBitnumIn;

    /// <summary>EEPROM interface: the next bit to shift out.</summary>
    [VmStateField("eecd_state.bitnum_out")]
    public ushort EecdBitnumOut;

    /// <summary>EEPROM interface: a read command is in progress (0 or 1).</summary>
    [VmStateField("eecd_state.reading")]
    public ushort EecdReading;

    /// <summary>EEPROM interface: the EECD value last written, for edge detection.</summary>
    [VmStateField("eecd_state.old_eecd")]
    public uint EecdOldEecd;

    [VmStateField("mig_props.ipcss")]
    private byte MigIpcss { get => _migProps.Ipcss; set => _migProps.Ipcss = value; }

    [VmStateField("mig_props.ipcso")]
    private byte MigIpcso { get => _migProps.Ipcso; set => _migProps.Ipcso = value; }

    [VmStateField("mig_props.ipcse")]
    private ushort MigIpcse { get => _migProps.Ipcse; set => _migProps.Ipcse = value; }

    [VmStateField("mig_props.tucss")]
    private byte MigTucss { get => _migProps.Tucss; set => _migProps.Tucss = value; }

    [VmStateField("mig_props.tucso")]
    private byte MigTucso { get => _migProps.Tucso; set => _migProps.Tucso = value; }

    [VmStateField("mig_props.tucse")]
    private ushort MigTucse { get => _migProps.Tucse; set => _migProps.Tucse = value; }

    [VmStateField("mig_props.paylen")]
    private uint MigPaylen { get => _migProps.Paylen; set => _migProps.Paylen = value; }

    [VmStateField("mig_props.hdr_len")]
    private byte MigHdrLen { get => _migProps.HdrLen; set => _migProps.HdrLen = value; }

    [VmStateField("mig_props.mss")]
    private ushort MigMss { get => _migProps.Mss; set => _migProps.Mss = value; }

    /// <summary>Bytes of the frame being assembled for transmit.</summary>
    [VmStateField("tx.size")]
    public ushort TxSize;

    /// <summary>TSO segments sent from the current packet.</summary>
    [VmStateField("tx.tso_frames")]
    public ushort TxTsoFrames;

    /// <summary>Checksum offloads requested for the current packet (POPTS bits).</summary>
    [VmStateField("tx.sum_needed")]
    public byte TxSumNeeded;

    [VmStateField("mig_props.ip")]
    private sbyte MigIp { get => _migProps.Ip; set => _migProps.Ip = value; }

    [VmStateField("mig_props.tcp")]
    private sbyte MigTcp { get => _migProps.Tcp; set => _migProps.Tcp = value; }

    /// <summary>The packet header kept for TSO segmentation.</summary>
    [VmStateField("tx.header", Length = 256)]
    public byte[] TxHeader { get; } = new byte[256];

    /// <summary>The frame being assembled.</summary>
    [VmStateField("tx.data", Length = 0x10000)]
    public byte[] TxData { get; } = new byte[0x10000];

    /// <summary>EEPROM contents (64 words; the MAC address is in words 0-2).</summary>
    [VmStateField("eeprom_data", Length = 64)]
    public ushort[] EepromData { get; } = new ushort[64];

    /// <summary>PHY registers.</summary>
    [VmStateField("phy_reg", Length = 0x20)]
    public ushort[] PhyReg { get; } = new ushort[0x20];

    [VmStateField("mac_reg[CTRL]")]
    private uint RegCtrl { get => MacReg[E1000Registers.Ctrl]; set => MacReg[E1000Registers.Ctrl] = value; }

    [VmStateField("mac_reg[EECD]")]
    private uint RegEecd { get => MacReg[E1000Registers.Eecd]; set => MacReg[E1000Registers.Eecd] = value; }

    [VmStateField("mac_reg[EERD]")]
    private uint RegEerd { get => MacReg[E1000Registers.Eerd]; set => MacReg[E1000Registers.Eerd] = value; }

    [VmStateField("mac_reg[GPRC]")]
    private uint RegGprc { get => MacReg[E1000Registers.Gprc]; set => MacReg[E1000Registers.Gprc] = value; }

    [VmStateField("mac_reg[GPTC]")]
    private uint RegGptc { get => MacReg[E1000Registers.Gptc]; set => MacReg[E1000Registers.Gptc] = value; }

    [VmStateField("mac_reg[ICR]")]
    private uint RegIcr { get => MacReg[E1000Registers.Icr]; set => MacReg[E1000Registers.Icr] = value; }

    [VmStateField("mac_reg[ICS]")]
    private uint RegIcs { get => MacReg[E1000Registers.Ics]; set => MacReg[E1000Registers.Ics] = value; }

    [VmStateField("mac_reg[IMC]")]
    private uint RegImc { get => MacReg[E1000Registers.Imc]; set => MacReg[E1000Registers.Imc] = value; }

    [VmStateField("mac_reg[IMS]")]
    private uint RegIms { get => MacReg[E1000Registers.Ims]; set => MacReg[E1000Registers.Ims] = value; }

    [VmStateField("mac_reg[LEDCTL]")]
    private uint RegLedctl { get => MacReg[E1000Registers.Ledctl]; set => MacReg[E1000Registers.Ledctl] = value; }

    [VmStateField("mac_reg[MANC]")]
    private uint RegManc { get => MacReg[E1000Registers.Manc]; set => MacReg[E1000Registers.Manc] = value; }

    [VmStateField("mac_reg[MDIC]")]
    private uint RegMdic { get => MacReg[E1000Registers.Mdic]; set => MacReg[E1000Registers.Mdic] = value; }

    [VmStateField("mac_reg[MPC]")]
    private uint RegMpc { get => MacReg[E1000Registers.Mpc]; set => MacReg[E1000Registers.Mpc] = value; }

    [VmStateField("mac_reg[PBA]")]
    private uint RegPba { get => MacReg[E1000Registers.Pba]; set => MacReg[E1000Registers.Pba] = value; }

    [VmStateField("mac_reg[RCTL]")]
    private uint RegRctl { get => MacReg[E1000Registers.Rctl]; set => MacReg[E1000Registers.Rctl] = value; }

    [VmStateField("mac_reg[RDBAH]")]
    private uint RegRdbah { get => MacReg[E1000Registers.Rdbah]; set => MacReg[E1000Registers.Rdbah] = value; }

    [VmStateField("mac_reg[RDBAL]")]
    private uint RegRdbal { get => MacReg[E1000Registers.Rdbal]; set => MacReg[E1000Registers.Rdbal] = value; }

    [VmStateField("mac_reg[RDH]")]
    private uint RegRdh { get => MacReg[E1000Registers.Rdh]; set => MacReg[E1000Registers.Rdh] = value; }

    [VmStateField("mac_reg[RDLEN]")]
    private uint RegRdlen { get => MacReg[E1000Registers.Rdlen]; set => MacReg[E1000Registers.Rdlen] = value; }

    [VmStateField("mac_reg[RDT]")]
    private uint RegRdt { get => MacReg[E1000Registers.Rdt]; set => MacReg[E1000Registers.Rdt] = value; }

    [VmStateField("mac_reg[STATUS]")]
    private uint RegStatus { get => MacReg[E1000Registers.Status]; set => MacReg[E1000Registers.Status] = value; }

    [VmStateField("mac_reg[SWSM]")]
    private uint RegSwsm { get => MacReg[E1000Registers.Swsm]; set => MacReg[E1000Registers.Swsm] = value; }

    [VmStateField("mac_reg[TCTL]")]
    private uint RegTctl { get => MacReg[E1000Registers.Tctl]; set => MacReg[E1000Registers.Tctl] = value; }

    [VmStateField("mac_reg[TDBAH]")]
    private uint RegTdbah { get => MacReg[E1000Registers.Tdbah]; set => MacReg[E1000Registers.Tdbah] = value; }

    [VmStateField("mac_reg[TDBAL]")]
    private uint RegTdbal { get => MacReg[E1000Registers.Tdbal]; set => MacReg[E1000Registers.Tdbal] = value; }

    [VmStateField("mac_reg[TDH]")]
    private uint RegTdh { get => MacReg[E1000Registers.Tdh]; set => MacReg[E1000Registers.Tdh] = value; }

    [VmStateField("mac_reg[TDLEN]")]
    private uint RegTdlen { get => MacReg[E1000Registers.Tdlen]; set => MacReg[E1000Registers.Tdlen] = value; }

    [VmStateField("mac_reg[TDT]")]
    private uint RegTdt { get => MacReg[E1000Registers.Tdt]; set => MacReg[E1000Registers.Tdt] = value; }

    [VmStateField("mac_reg[TORH]")]
    private uint RegTorh { get => MacReg[E1000Registers.Torh]; set => MacReg[E1000Registers.Torh] = value; }

    [VmStateField("mac_reg[TORL]")]
    private uint RegTorl { get => MacReg[E1000Registers.Torl]; set => MacReg[E1000Registers.Torl] = value; }

    [VmStateField("mac_reg[TOTH]")]
    private uint RegToth { get => MacReg[E1000Registers.Toth]; set => MacReg[E1000Registers.Toth] = value; }

    [VmStateField("mac_reg[TOTL]")]
    private uint RegTotl { get => MacReg[E1000Registers.Totl]; set => MacReg[E1000Registers.Totl] = value; }

    [VmStateField("mac_reg[TPR]")]
    private uint RegTpr { get => MacReg[E1000Registers.Tpr]; set => MacReg[E1000Registers.Tpr] = value; }

    [VmStateField("mac_reg[TPT]")]
    private uint RegTpt { get => MacReg[E1000Registers.Tpt]; set => MacReg[E1000Registers.Tpt] = value; }

    [VmStateField("mac_reg[TXDCTL]")]
    private uint RegTxdctl { get => MacReg[E1000Registers.Txdctl]; set => MacReg[E1000Registers.Txdctl] = value; }

    [VmStateField("mac_reg[WUFC]")]
    private uint RegWufc { get => MacReg[E1000Registers.Wufc]; set => MacReg[E1000Registers.Wufc] = value; }

    [VmStateField("mac_reg[VET]")]
    private uint RegVet { get => MacReg[E1000Registers.Vet]; set => MacReg[E1000Registers.Vet] = value; }

    // The receive address, multicast table and VLAN filter slices of the register file, all named "mac_reg" as in QEMU.
    [VmStateField("mac_reg", Start = E1000Registers.Ra, Length = 32)]
    private uint[] MacRegRa => MacReg;

    [VmStateField("mac_reg", Start = E1000Registers.Mta, Length = 128)]
    private uint[] MacRegMta => MacReg;

    [VmStateField("mac_reg", Start = E1000Registers.Vfta, Length = 128)]
    private uint[] MacRegVfta => MacReg;

    [VmStateField("mac_reg[RDTR]", Subsection = MitState)]
    private uint RegRdtr { get => MacReg[E1000Registers.Rdtr]; set => MacReg[E1000Registers.Rdtr] = value; }

    [VmStateField("mac_reg[RADV]", Subsection = MitState)]
    private uint RegRadv { get => MacReg[E1000Registers.Radv]; set => MacReg[E1000Registers.Radv] = value; }

    [VmStateField("mac_reg[TADV]", Subsection = MitState)]
    private uint RegTadv { get => MacReg[E1000Registers.Tadv]; set => MacReg[E1000Registers.Tadv] = value; }

    [VmStateField("mac_reg[ITR]", Subsection = MitState)]
    private uint RegItr { get => MacReg[E1000Registers.Itr]; set => MacReg[E1000Registers.Itr] = value; }

    /// <summary>Interrupt mitigation: the level last raised.</summary>
    [VmStateField("mit_irq_level", Subsection = MitState)]
    public bool MitIrqLevel;

    /// <summary>The whole register file (128 KiB).</summary>
    [VmStateField("mac_reg", Length = E1000Registers.Count, Subsection = FullMacState)]
    public uint[] MacReg { get; } = new uint[E1000Registers.Count];

    [VmStateField("tx.tso_props.ipcss", Subsection = TsoState)]
    private byte TsoIpcss { get => TsoProps.Ipcss; set => TsoProps.Ipcss = value; }

    [VmStateField("tx.tso_props.ipcso", Subsection = TsoState)]
    private byte TsoIpcso { get => TsoProps.Ipcso; set => TsoProps.Ipcso = value; }

    [VmStateField("tx.tso_props.ipcse", Subsection = TsoState)]
    private ushort TsoIpcse { get => TsoProps.Ipcse; set => TsoProps.Ipcse = value; }

    [VmStateField("tx.tso_props.tucss", Subsection = TsoState)]
    private byte TsoTucss { get => TsoProps.Tucss; set => TsoProps.Tucss = value; }

    [VmStateField("tx.tso_props.tucso", Subsection = TsoState)]
    private byte TsoTucso { get => TsoProps.Tucso; set => TsoProps.Tucso = value; }

    [VmStateField("tx.tso_props.tucse", Subsection = TsoState)]
    private ushort TsoTucse { get => TsoProps.Tucse; set => TsoProps.Tucse = value; }

    [VmStateField("tx.tso_props.paylen", Subsection = TsoState)]
    private uint TsoPaylen { get => TsoProps.Paylen; set => TsoProps.Paylen = value; }

    [VmStateField("tx.tso_props.hdr_len", Subsection = TsoState)]
    private byte TsoHdrLen { get => TsoProps.HdrLen; set => TsoProps.HdrLen = value; }

    [VmStateField("tx.tso_props.mss", Subsection = TsoState)]
    private ushort TsoMss { get => TsoProps.Mss; set => TsoProps.Mss = value; }

    [VmStateField("tx.tso_props.ip", Subsection = TsoState)]
    private sbyte TsoIp { get => TsoProps.Ip; set => TsoProps.Ip = value; }

    [VmStateField("tx.tso_props.tcp", Subsection = TsoState)]
    private sbyte TsoTcp { get => TsoProps.Tcp; set => TsoProps.Tcp = value; }

    /// <summary>QEMU's compat flags of the machine type: all on for pc-i440fx-7.2.</summary>
    public E1000Compat Compat { get; set; } = E1000Compat.All;

    /// <summary>The offload context of the last non-TSO descriptor.</summary>
    public E1000TxProps TxProps;

    /// <summary>The offload context of the last TSO descriptor.</summary>
    public E1000TxProps TsoProps;

    /// <summary>The link is down (not migrated: inferred from STATUS on load, as QEMU does).</summary>
    public bool LinkDown { get; set; }

    private static bool IsVersion1(int versionId) => versionId == 1;

    [Needed(MitState)]
    private bool IsMitStateNeeded() => (Compat & E1000Compat.Mitigation) != 0;

    [Needed(FullMacState)]
    private bool IsFullMacStateNeeded() => (Compat & E1000Compat.FullMac) != 0;

    [Needed(TsoState)]
    private bool IsTsoStateNeeded() => (Compat & E1000Compat.Tso) != 0;

    [PreSave]
    private void BeforeSave()
    {
        // With the TSO subsection the main fields carry the plain context; without it, whichever was used last.
        _migProps = (Compat & E1000Compat.Tso) != 0 || !TsoProps.Tse ? TxProps : TsoProps;
    }

    [PreLoad]
    private void BeforeLoad() => _receivedTxTso = false;

    [PostLoad(TsoState)]
    private void AfterTsoLoad() => _receivedTxTso = true;

    [PostLoad]
    private void AfterLoad()
    {
        const uint statusLinkUp = 0x2;
        LinkDown = (MacReg[E1000Registers.Status] & statusLinkUp) == 0;
        TxProps = _migProps;
        if (!_receivedTxTso)
        {
            // Only one context arrived: the best guess for the other is the same one.
            TsoProps = _migProps;
        }
    }
}

/// <summary>QEMU's e1000 compat flags that decide which subsections are sent.</summary>
[Flags]
public enum E1000Compat
{
    /// <summary>No optional subsection (QEMU's oldest machine types).</summary>
    None = 0,
    /// <summary>Interrupt mitigation state (<c>e1000/mit_state</c>).</summary>
    Mitigation = 1,
    /// <summary>The full register file (<c>e1000/full_mac_state</c>).</summary>
    FullMac = 2,
    /// <summary>A separate TSO context (<c>e1000/tx_tso_state</c>).</summary>
    Tso = 4,
    /// <summary>Every subsection (current machine types).</summary>
    All = Mitigation | FullMac | Tso,
}
