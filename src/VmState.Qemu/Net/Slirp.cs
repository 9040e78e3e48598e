using VmState.Description;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Qemu.Net;

/// <summary>
/// The user-mode network stack's section (libslirp 4.7 as QEMU 7.2 uses it): an old-style section with no
/// description of its own. Its body is one record per guest-forwarded socket, each led by the byte 42, a 0 byte that
/// ends the list, and then the stack's globals (<see cref="SlirpGlobals"/>), loaded at the section's version.
/// </summary>
public sealed class Slirp : StateSectionHandler
{
    /// <summary>The section's id string.</summary>
    public const string IdStr = "slirp";

    /// <summary>The section version libslirp 4.7 writes.</summary>
    public const int Version = 4;

    private const byte SocketMarker = 42;

    /// <summary>The stack's migrated globals.</summary>
    public SlirpGlobals Globals { get; } = new();

    /// <inheritdoc/>
    public override void Save(ref VmStateWriter writer)
    {
        writer.WriteUInt8(0);
        Globals.SaveVmState(ref writer);
    }

    /// <inheritdoc/>
    public override void Load(ref VmStateReader reader, int versionId)
    {
        long at = reader.Position;
        byte marker = reader.ReadUInt8();
        if (marker == SocketMarker)
        {
            // Sockets exist only with guestfwd rules, which this model does not keep: refuse rather than drop them.
            VmStateThrow.LoadFailed("slirp: guest-forwarded socket state is not modelled", at);
        }
        else if (marker != 0)
        {
            VmStateThrow.LoadFailed($"slirp: {marker} where the socket list ends with 0", at);
        }

        VmStateSerializer.Load(Globals, ref reader, versionId);
    }
}

/// <summary>libslirp's own description of its globals (never named on the wire: the section is old-style).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0111", Justification = "libslirp's version 4 changed the socket records, which lie outside this description.")]
[VmState("slirp", Version = 4)]
public sealed partial class SlirpGlobals
{
    /// <summary>Number of DHCP leases (libslirp's NB_BOOTP_CLIENTS).</summary>
    public const int BootpClients = 16;

    /// <summary>The next IP identification number.</summary>
    [VmStateField("ip_id", Since = 2)] public ushort IpId;

    /// <summary>The DHCP leases.</summary>
    [VmStateField("bootp_clients", Length = BootpClients, Since = 3)]
    public SlirpBootpClient[] BootpClientList = [.. Enumerable.Range(0, BootpClients).Select(_ => new SlirpBootpClient())];
}

/// <summary>One DHCP lease.</summary>
[VmState("slirp-bootp-client")]
public sealed partial class SlirpBootpClient
{
    /// <summary>Nonzero when the lease is taken.</summary>
    [VmStateField("allocated")] public ushort Allocated;

    /// <summary>The client's MAC address.</summary>
    [VmStateField("macaddr", Length = 6)] public byte[] MacAddress = new byte[6];
}
