using System.Buffers.Binary;
using VmState.Ram;

namespace VmState.Qemu.E1000;

// A little of the NIC's behaviour, enough for a workload to exercise state that migration must carry: the register
// file, the MAC address (EEPROM and receive address registers) and legacy transmit/receive descriptor rings in RAM.
public sealed partial class E1000Nic
{
    private const int DescriptorSize = 16;
    private const uint RahAddressValid = 0x8000_0000;
    private const byte DescriptorDone = 0x01;
    private const byte EndOfPacket = 0x02;

    /// <summary>Puts the NIC in its power-on state with <paramref name="mac"/> in the EEPROM and RA[0].</summary>
    public void PowerOn(ReadOnlySpan<byte> mac)
    {
        if (mac.Length != 6)
        {
            throw new ArgumentException("A MAC address has 6 bytes", nameof(mac));
        }

        ParentObj.VendorId = 0x8086;
        ParentObj.DeviceId = 0x100e;
        for (int i = 0; i < 3; i++)
        {
            EepromData[i] = (ushort)(mac[2 * i] | (mac[(2 * i) + 1] << 8));
        }

        MacReg[E1000Registers.Ra] = BinaryPrimitives.ReadUInt32LittleEndian(mac);
        MacReg[E1000Registers.Ra + 1] = BinaryPrimitives.ReadUInt16LittleEndian(mac[4..]) | RahAddressValid;
        MacReg[E1000Registers.Status] = 0x80080783; // link up, full duplex, 1000 Mb/s
        MacReg[E1000Registers.Ledctl] = 0x07068302;
        MacReg[E1000Registers.Pba] = 0x00100030;
    }

    /// <summary>The MAC address in RA[0].</summary>
    public byte[] MacAddress()
    {
        byte[] mac = new byte[6];
        BinaryPrimitives.WriteUInt32LittleEndian(mac, MacReg[E1000Registers.Ra]);
        BinaryPrimitives.WriteUInt16LittleEndian(mac.AsSpan(4), (ushort)MacReg[E1000Registers.Ra + 1]);
        return mac;
    }

    /// <summary>Sets up a transmit and a receive ring of <paramref name="descriptors"/> entries at the given RAM offsets.</summary>
    public void SetUpRings(long txRing, long rxRing, int descriptors)
    {
        MacReg[E1000Registers.Tdbal] = (uint)txRing;
        MacReg[E1000Registers.Tdbah] = (uint)(txRing >> 32);
        MacReg[E1000Registers.Tdlen] = (uint)(descriptors * DescriptorSize);
        MacReg[E1000Registers.Tdh] = MacReg[E1000Registers.Tdt] = 0;
        MacReg[E1000Registers.Rdbal] = (uint)rxRing;
        MacReg[E1000Registers.Rdbah] = (uint)(rxRing >> 32);
        MacReg[E1000Registers.Rdlen] = (uint)(descriptors * DescriptorSize);
        MacReg[E1000Registers.Rdh] = MacReg[E1000Registers.Rdt] = 0;
        MacReg[E1000Registers.Tctl] = 0x2; // enable
        MacReg[E1000Registers.Rctl] = 0x2;
    }

    /// <summary>
    /// Processes transmit descriptors from TDH up to TDT in guest RAM: copies each packet into the transmit buffer,
    /// counts it, marks the descriptor done. Returns the packets sent.
    /// </summary>
    public int Transmit(RamBlock ram)
    {
        ArgumentNullException.ThrowIfNull(ram);
        long ring = ((long)MacReg[E1000Registers.Tdbah] << 32) | MacReg[E1000Registers.Tdbal];
        uint count = MacReg[E1000Registers.Tdlen] / DescriptorSize;
        if (count == 0 || (MacReg[E1000Registers.Tctl] & 0x2) == 0)
        {
            return 0;
        }

        int sent = 0;
        Span<byte> desc = stackalloc byte[DescriptorSize];
        while (MacReg[E1000Registers.Tdh] != MacReg[E1000Registers.Tdt] && sent < count)
        {
            long at = ring + (MacReg[E1000Registers.Tdh] * DescriptorSize);
            ram.Read(at, desc);
            long buffer = (long)BinaryPrimitives.ReadUInt64LittleEndian(desc);
            int length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(desc[8..]), TxData.Length);
            ram.Read(buffer, TxData.AsSpan(0, length));
            TxSize = (ushort)length;
            desc[12] |= DescriptorDone;
            ram.Write(at, desc);
            MacReg[E1000Registers.Gptc]++;
            MacReg[E1000Registers.Tpt]++;
            AddCounter(E1000Registers.Totl, (uint)length);
            MacReg[E1000Registers.Tdh] = (MacReg[E1000Registers.Tdh] + 1) % count;
            sent++;
        }

        return sent;
    }

    /// <summary>Delivers <paramref name="packet"/> into the next receive descriptor's buffer; false when the ring is full.</summary>
    public bool Receive(RamBlock ram, ReadOnlySpan<byte> packet)
    {
        ArgumentNullException.ThrowIfNull(ram);
        long ring = ((long)MacReg[E1000Registers.Rdbah] << 32) | MacReg[E1000Registers.Rdbal];
        uint count = MacReg[E1000Registers.Rdlen] / DescriptorSize;
        uint next = count == 0 ? 0 : (MacReg[E1000Registers.Rdh] + 1) % count;
        if (count == 0 || next == MacReg[E1000Registers.Rdt])
        {
            MacReg[E1000Registers.Mpc]++;
            return false;
        }

        Span<byte> desc = stackalloc byte[DescriptorSize];
        long at = ring + (MacReg[E1000Registers.Rdh] * DescriptorSize);
        ram.Read(at, desc);
        long buffer = (long)BinaryPrimitives.ReadUInt64LittleEndian(desc);
        ram.Write(buffer, packet);
        BinaryPrimitives.WriteUInt16LittleEndian(desc[8..], (ushort)packet.Length);
        desc[12] = DescriptorDone | EndOfPacket;
        ram.Write(at, desc);
        MacReg[E1000Registers.Gprc]++;
        MacReg[E1000Registers.Tpr]++;
        AddCounter(E1000Registers.Torl, (uint)packet.Length);
        MacReg[E1000Registers.Rdh] = next;
        MacReg[E1000Registers.Icr] |= 0x80; // receive timer interrupt cause
        return true;
    }

    private void AddCounter(int low, uint value)
    {
        ulong total = ((ulong)MacReg[low + 1] << 32) + MacReg[low] + value;
        MacReg[low] = (uint)total;
        MacReg[low + 1] = (uint)(total >> 32);
    }
}
