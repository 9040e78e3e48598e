using VmState.Description;

namespace VmState.Qemu.I2c;

/// <summary>
/// QEMU 7.2's SMBus host controller of the PIIX4 and ICH9 (<c>pmsmb</c>, <c>hw/i2c/pm_smbus.c</c>): its registers,
/// the 32-byte block buffer and the progress of a transaction. <see cref="VmStateAttribute.DumpSize"/> is QEMU's
/// <c>sizeof(PMSMBus)</c>.
/// </summary>
[VmState("pmsmb", DumpSize = 384)]
public sealed partial class PmSmbus
{
    /// <summary>Bytes of the block buffer.</summary>
    public const int BlockBytes = 32;

    /// <summary>Host status register.</summary>
    [VmStateField("smb_stat")]
    public byte SmbStat;

    /// <summary>Host control register.</summary>
    [VmStateField("smb_ctl")]
    public byte SmbCtl;

    /// <summary>Host command register.</summary>
    [VmStateField("smb_cmd")]
    public byte SmbCmd;

    /// <summary>Transmit slave address register.</summary>
    [VmStateField("smb_addr")]
    public byte SmbAddr;

    /// <summary>Host data 0 register.</summary>
    [VmStateField("smb_data0")]
    public byte SmbData0;

    /// <summary>Host data 1 register.</summary>
    [VmStateField("smb_data1")]
    public byte SmbData1;

    /// <summary>Position in the block buffer.</summary>
    [VmStateField("smb_index")]
    public uint SmbIndex;

    /// <summary>The block buffer.</summary>
    [VmStateField("smb_data", Length = BlockBytes, AsArray = true)]
    public byte[] SmbData { get; } = new byte[BlockBytes];

    /// <summary>Auxiliary control register.</summary>
    [VmStateField("smb_auxctl")]
    public byte SmbAuxctl;

    /// <summary>Block data register.</summary>
    [VmStateField("smb_blkdata")]
    public byte SmbBlkdata;

    /// <summary>I2C mode (rather than SMBus) is on.</summary>
    [VmStateField("i2c_enable")]
    public bool I2cEnable;

    /// <summary>The last operation finished.</summary>
    [VmStateField("op_done")]
    public bool OpDone;

    /// <summary>An I2C block read is in progress.</summary>
    [VmStateField("in_i2c_block_read")]
    public bool InI2cBlockRead;

    /// <summary>A status read starts the prepared transaction (a byte-by-byte block transfer).</summary>
    [VmStateField("start_transaction_on_status_read")]
    public bool StartTransactionOnStatusRead;
}
