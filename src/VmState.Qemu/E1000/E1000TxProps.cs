namespace VmState.Qemu.E1000;

/// <summary>A transmit offload context (QEMU's <c>e1000x_txd_props</c>): checksum offsets and TSO parameters.</summary>
public struct E1000TxProps : IEquatable<E1000TxProps>
{
    /// <summary>IP checksum start: offset of the first byte summed.</summary>
    public byte Ipcss;
    /// <summary>IP checksum offset: where the sum is written.</summary>
    public byte Ipcso;
    /// <summary>IP checksum end: offset of the last byte summed (0: to the end).</summary>
    public ushort Ipcse;
    /// <summary>TCP/UDP checksum start.</summary>
    public byte Tucss;
    /// <summary>TCP/UDP checksum offset: where the sum is written.</summary>
    public byte Tucso;
    /// <summary>TCP/UDP checksum end (0: to the end).</summary>
    public ushort Tucse;
    /// <summary>TSO payload length.</summary>
    public uint Paylen;
    /// <summary>TSO header length.</summary>
    public byte HdrLen;
    /// <summary>TSO maximum segment size.</summary>
    public ushort Mss;
    /// <summary>IPv4 (1) or IPv6 (0) for TSO.</summary>
    public sbyte Ip;
    /// <summary>TCP (1) or UDP (0) for TSO.</summary>
    public sbyte Tcp;
    /// <summary>TCP segmentation enabled.</summary>
    public bool Tse;

    /// <inheritdoc/>
    public readonly bool Equals(E1000TxProps other) =>
        Ipcss == other.Ipcss && Ipcso == other.Ipcso && Ipcse == other.Ipcse && Tucss == other.Tucss && Tucso == other.Tucso
        && Tucse == other.Tucse && Paylen == other.Paylen && HdrLen == other.HdrLen && Mss == other.Mss && Ip == other.Ip
        && Tcp == other.Tcp && Tse == other.Tse;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is E1000TxProps other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => HashCode.Combine(Ipcss, Ipcso, Ipcse, Tucss, Tucso, Tucse, Paylen, HashCode.Combine(HdrLen, Mss, Ip, Tcp, Tse));

    /// <summary>Every field equal.</summary>
    public static bool operator ==(E1000TxProps left, E1000TxProps right) => left.Equals(right);

    /// <summary>Some field differs.</summary>
    public static bool operator !=(E1000TxProps left, E1000TxProps right) => !left.Equals(right);
}
