using VmState.Description;

namespace VmState.Qemu.Ide;

/// <summary>
/// One port of a QEMU 7.2 AHCI controller (<c>AHCIDevice</c>, <c>hw/ide/ahci.c</c>, description <c>ahci port</c>,
/// version 1, minimum 0): the port's one-drive IDE channel and its drive, the port registers, command progress and
/// the 32 NCQ slots.
/// </summary>
[VmState("ahci port", Version = 1, MinimumVersion = 0, DumpSize = 6088)]
public sealed partial class AhciPort
{
    /// <summary>Command slots per port (<c>AHCI_MAX_CMDS</c>).</summary>
    public const int MaxCommands = 32;

    /// <summary>The port's IDE channel; only its drive 0 is used and migrated.</summary>
    [VmStateField("port", Since = 1)]
    public IdeBus Port { get; } = new();

    [VmStateField("port.ifs[0]", Since = 1)]
    private IdeDrive Drive => Port.Ifs[0];

    /// <summary>Port state machine.</summary>
    [VmStateField("port_state")] public uint PortState;

    /// <summary>Command slots completed and not yet reported.</summary>
    [VmStateField("finished")] public uint Finished;

    /// <summary>PxCLB: command list base, low half.</summary>
    [VmStateField("port_regs.lst_addr")] public uint LstAddr;

    /// <summary>PxCLBU: command list base, high half.</summary>
    [VmStateField("port_regs.lst_addr_hi")] public uint LstAddrHi;

    /// <summary>PxFB: received FIS base, low half.</summary>
    [VmStateField("port_regs.fis_addr")] public uint FisAddr;

    /// <summary>PxFBU: received FIS base, high half.</summary>
    [VmStateField("port_regs.fis_addr_hi")] public uint FisAddrHi;

    /// <summary>PxIS: interrupt status.</summary>
    [VmStateField("port_regs.irq_stat")] public uint IrqStat;

    /// <summary>PxIE: interrupt enable.</summary>
    [VmStateField("port_regs.irq_mask")] public uint IrqMask;

    /// <summary>PxCMD: command and status.</summary>
    [VmStateField("port_regs.cmd")] public uint Cmd;

    /// <summary>PxTFD: task file data.</summary>
    [VmStateField("port_regs.tfdata")] public uint TfData;

    /// <summary>PxSIG: device signature.</summary>
    [VmStateField("port_regs.sig")] public uint Sig;

    /// <summary>PxSSTS: SATA status.</summary>
    [VmStateField("port_regs.scr_stat")] public uint ScrStat;

    /// <summary>PxSCTL: SATA control.</summary>
    [VmStateField("port_regs.scr_ctl")] public uint ScrCtl;

    /// <summary>PxSERR: SATA error.</summary>
    [VmStateField("port_regs.scr_err")] public uint ScrErr;

    /// <summary>PxSACT: SATA active (NCQ tags outstanding).</summary>
    [VmStateField("port_regs.scr_act")] public uint ScrAct;

    /// <summary>PxCI: commands issued.</summary>
    [VmStateField("port_regs.cmd_issue")] public uint CmdIssue;

    /// <summary>The first DRQ block of the PIO command was sent.</summary>
    [VmStateField("done_first_drq")] public bool DoneFirstDrq;

    /// <summary>Slot of the non-NCQ command in progress, or -1.</summary>
    [VmStateField("busy_slot")] public int BusySlot = -1;

    /// <summary>The initial register D2H FIS was sent.</summary>
    [VmStateField("init_d2h_sent")] public bool InitD2hSent;

    /// <summary>The NCQ slots.</summary>
    [VmStateField("ncq_tfs", Length = MaxCommands, Since = 1)]
    public NcqTransferState[] NcqTfs { get; } = NewSlots();

    private static NcqTransferState[] NewSlots()
    {
        var slots = new NcqTransferState[MaxCommands];
        for (int i = 0; i < slots.Length; i++)
        {
            slots[i] = new NcqTransferState();
        }

        return slots;
    }
}
