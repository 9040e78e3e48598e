namespace SampleMachine.Devices.E1000;

/// <summary>
/// MAC register indices (byte offset / 4) of the Intel 8254x register file, for the registers QEMU's e1000
/// description names. Checked against a real QEMU 7.2 stream: each named register equals the same word of the
/// full register file there.
/// </summary>
public static class E1000Registers
{
    public const int Ctrl = 0x00000 >> 2;
    public const int Status = 0x00008 >> 2;
    public const int Eecd = 0x00010 >> 2;
    public const int Eerd = 0x00014 >> 2;
    public const int Mdic = 0x00020 >> 2;
    public const int Vet = 0x00038 >> 2;
    public const int Icr = 0x000C0 >> 2;
    public const int Itr = 0x000C4 >> 2;
    public const int Ics = 0x000C8 >> 2;
    public const int Ims = 0x000D0 >> 2;
    public const int Imc = 0x000D8 >> 2;
    public const int Rctl = 0x00100 >> 2;
    public const int Tctl = 0x00400 >> 2;
    public const int Ledctl = 0x00E00 >> 2;
    public const int Pba = 0x01000 >> 2;
    public const int Rdbal = 0x02800 >> 2;
    public const int Rdbah = 0x02804 >> 2;
    public const int Rdlen = 0x02808 >> 2;
    public const int Rdh = 0x02810 >> 2;
    public const int Rdt = 0x02818 >> 2;
    public const int Rdtr = 0x02820 >> 2;
    public const int Radv = 0x0282C >> 2;
    public const int Tdbal = 0x03800 >> 2;
    public const int Tdbah = 0x03804 >> 2;
    public const int Tdlen = 0x03808 >> 2;
    public const int Tdh = 0x03810 >> 2;
    public const int Tdt = 0x03818 >> 2;
    public const int Txdctl = 0x03828 >> 2;
    public const int Tadv = 0x0382C >> 2;
    public const int Mpc = 0x04010 >> 2;
    public const int Gprc = 0x04074 >> 2;
    public const int Gptc = 0x04080 >> 2;
    public const int Torl = 0x040C0 >> 2;
    public const int Torh = 0x040C4 >> 2;
    public const int Totl = 0x040C8 >> 2;
    public const int Toth = 0x040CC >> 2;
    public const int Tpr = 0x040D0 >> 2;
    public const int Tpt = 0x040D4 >> 2;
    public const int Mta = 0x05200 >> 2;
    public const int Ra = 0x05400 >> 2;
    public const int Vfta = 0x05600 >> 2;
    public const int Wufc = 0x05808 >> 2;
    public const int Manc = 0x05820 >> 2;
    public const int Swsm = 0x05B50 >> 2;

    /// <summary>Words in the register file (128 KiB of register space).</summary>
    public const int Count = 0x8000;
}
