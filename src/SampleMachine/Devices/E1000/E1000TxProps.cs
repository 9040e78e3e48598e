namespace SampleMachine.Devices.E1000;

/// <summary>A transmit offload context (QEMU's <c>e1000x_txd_props</c>): checksum offsets and TSO parameters.</summary>
public struct E1000TxProps : IEquatable<E1000TxProps>
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
    public bool Tse;

    public readonly bool Equals(E1000TxProps other) =>
        Ipcss == other.Ipcss && Ipcso == other.Ipcso && Ipcse == other.Ipcse && Tucss == other.Tucss && Tucso == other.Tucso
        && Tucse == other.Tucse && Paylen == other.Paylen && HdrLen == other.HdrLen && Mss == other.Mss && Ip == other.Ip
        && Tcp == other.Tcp && Tse == other.Tse;

    public override readonly bool Equals(object? obj) => obj is E1000TxProps other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(Ipcss, Ipcso, Ipcse, Tucss, Tucso, Tucse, Paylen, HashCode.Combine(HdrLen, Mss, Ip, Tcp, Tse));

    public static bool operator ==(E1000TxProps left, E1000TxProps right) => left.Equals(right);

    public static bool operator !=(E1000TxProps left, E1000TxProps right) => !left.Equals(right);
}
