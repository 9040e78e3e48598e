namespace VmState.Qemu.E1000;

/// <summary>
/// MAC register indices (byte offset / 4) of the Intel 8254x register file, for the registers QEMU's e1000
/// description names. Checked against a real QEMU 7.2 stream: each named register equals the same word of the
/// full register file there.
/// </summary>
public static class E1000Registers
{
    /// <summary>CTRL, device control (offset 0x00000).</summary>
    public const int Ctrl = 0x00000 >> 2;
    /// <summary>STATUS, device status (offset 0x00008).</summary>
    public const int Status = 0x00008 >> 2;
    /// <summary>EECD, EEPROM/flash control and data (offset 0x00010).</summary>
    public const int Eecd = 0x00010 >> 2;
    /// <summary>EERD, EEPROM read (offset 0x00014).</summary>
    public const int Eerd = 0x00014 >> 2;
    /// <summary>MDIC, MDI (PHY) control (offset 0x00020).</summary>
    public const int Mdic = 0x00020 >> 2;
    /// <summary>VET, VLAN ether type (offset 0x00038).</summary>
    public const int Vet = 0x00038 >> 2;
    /// <summary>ICR, interrupt cause read (offset 0x000C0).</summary>
    public const int Icr = 0x000C0 >> 2;
    /// <summary>ITR, interrupt throttling (offset 0x000C4).</summary>
    public const int Itr = 0x000C4 >> 2;
    /// <summary>ICS, interrupt cause set (offset 0x000C8).</summary>
    public const int Ics = 0x000C8 >> 2;
    /// <summary>IMS, interrupt mask set/read (offset 0x000D0).</summary>
    public const int Ims = 0x000D0 >> 2;
    /// <summary>IMC, interrupt mask clear (offset 0x000D8).</summary>
    public const int Imc = 0x000D8 >> 2;
    /// <summary>RCTL, receive control (offset 0x00100).</summary>
    public const int Rctl = 0x00100 >> 2;
    /// <summary>TCTL, transmit control (offset 0x00400).</summary>
    public const int Tctl = 0x00400 >> 2;
    /// <summary>LEDCTL, LED control (offset 0x00E00).</summary>
    public const int Ledctl = 0x00E00 >> 2;
    /// <summary>PBA, packet buffer allocation (offset 0x01000).</summary>
    public const int Pba = 0x01000 >> 2;
    /// <summary>RDBAL, receive descriptor base, low 32 bits (offset 0x02800).</summary>
    public const int Rdbal = 0x02800 >> 2;
    /// <summary>RDBAH, receive descriptor base, high 32 bits (offset 0x02804).</summary>
    public const int Rdbah = 0x02804 >> 2;
    /// <summary>RDLEN, receive descriptor ring length (offset 0x02808).</summary>
    public const int Rdlen = 0x02808 >> 2;
    /// <summary>RDH, receive descriptor head (offset 0x02810).</summary>
    public const int Rdh = 0x02810 >> 2;
    /// <summary>RDT, receive descriptor tail (offset 0x02818).</summary>
    public const int Rdt = 0x02818 >> 2;
    /// <summary>RDTR, receive delay timer (offset 0x02820).</summary>
    public const int Rdtr = 0x02820 >> 2;
    /// <summary>RADV, receive interrupt absolute delay timer (offset 0x0282C).</summary>
    public const int Radv = 0x0282C >> 2;
    /// <summary>TDBAL, transmit descriptor base, low 32 bits (offset 0x03800).</summary>
    public const int Tdbal = 0x03800 >> 2;
    /// <summary>TDBAH, transmit descriptor base, high 32 bits (offset 0x03804).</summary>
    public const int Tdbah = 0x03804 >> 2;
    /// <summary>TDLEN, transmit descriptor ring length (offset 0x03808).</summary>
    public const int Tdlen = 0x03808 >> 2;
    /// <summary>TDH, transmit descriptor head (offset 0x03810).</summary>
    public const int Tdh = 0x03810 >> 2;
    /// <summary>TDT, transmit descriptor tail (offset 0x03818).</summary>
    public const int Tdt = 0x03818 >> 2;
    /// <summary>TXDCTL, transmit descriptor control (offset 0x03828).</summary>
    public const int Txdctl = 0x03828 >> 2;
    /// <summary>TADV, transmit interrupt absolute delay timer (offset 0x0382C).</summary>
    public const int Tadv = 0x0382C >> 2;
    /// <summary>MPC, missed packets count (offset 0x04010).</summary>
    public const int Mpc = 0x04010 >> 2;
    /// <summary>GPRC, good packets received count (offset 0x04074).</summary>
    public const int Gprc = 0x04074 >> 2;
    /// <summary>GPTC, good packets transmitted count (offset 0x04080).</summary>
    public const int Gptc = 0x04080 >> 2;
    /// <summary>TORL, total octets received, low (offset 0x040C0).</summary>
    public const int Torl = 0x040C0 >> 2;
    /// <summary>TORH, total octets received, high (offset 0x040C4).</summary>
    public const int Torh = 0x040C4 >> 2;
    /// <summary>TOTL, total octets transmitted, low (offset 0x040C8).</summary>
    public const int Totl = 0x040C8 >> 2;
    /// <summary>TOTH, total octets transmitted, high (offset 0x040CC).</summary>
    public const int Toth = 0x040CC >> 2;
    /// <summary>TPR, total packets received (offset 0x040D0).</summary>
    public const int Tpr = 0x040D0 >> 2;
    /// <summary>TPT, total packets transmitted (offset 0x040D4).</summary>
    public const int Tpt = 0x040D4 >> 2;
    /// <summary>MTA, multicast table array (first word) (offset 0x05200).</summary>
    public const int Mta = 0x05200 >> 2;
    /// <summary>RA, receive address registers (first word) (offset 0x05400).</summary>
    public const int Ra = 0x05400 >> 2;
    /// <summary>VFTA, VLAN filter table array (first word) (offset 0x05600).</summary>
    public const int Vfta = 0x05600 >> 2;
    /// <summary>WUFC, wake-up filter control (offset 0x05808).</summary>
    public const int Wufc = 0x05808 >> 2;
    /// <summary>MANC, management control (offset 0x05820).</summary>
    public const int Manc = 0x05820 >> 2;
    /// <summary>SWSM, software semaphore (offset 0x05B50).</summary>
    public const int Swsm = 0x05B50 >> 2;

    /// <summary>Words in the register file (128 KiB of register space).</summary>
    public const int Count = 0x8000;
}
