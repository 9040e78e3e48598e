using VmState.Description;

namespace VmState.Qemu.Ide;

/// <summary>
/// The AHCI host controller core of QEMU 7.2 (<c>AHCIState</c>, <c>hw/ide/ahci.c</c>, description <c>ahci</c>,
/// version 1, minimum 0): every port, the global host control registers, the index/data pair index, and the port
/// count, which the destination must have too.
/// </summary>
[VmState("ahci", Version = 1, MinimumVersion = 0, DumpSize = 624)]
public sealed partial class AhciState
{
    /// <summary>A controller with <paramref name="ports"/> ports.</summary>
    public AhciState(int ports)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ports);
        Ports = ports;
        Dev = new AhciPort[ports];
        for (int i = 0; i < ports; i++)
        {
            Dev[i] = new AhciPort();
        }
    }

    /// <summary>A controller with the ICH9's six ports.</summary>
    public AhciState()
        : this(Ich9Ahci.PortCount)
    {
    }

    /// <summary>Number of ports, fixed by the device model (not taken from the stream, only checked against it).</summary>
    public int Ports { get; }

    /// <summary>The ports.</summary>
    [VmStateField("dev", Count = nameof(Ports))]
    public AhciPort[] Dev { get; }

    /// <summary>CAP: host capabilities.</summary>
    [VmStateField("control_regs.cap")] public uint Cap;

    /// <summary>GHC: global host control.</summary>
    [VmStateField("control_regs.ghc")] public uint Ghc;

    /// <summary>IS: interrupt status, one bit per port.</summary>
    [VmStateField("control_regs.irqstatus")] public uint IrqStatus;

    /// <summary>PI: ports implemented.</summary>
    [VmStateField("control_regs.impl")] public uint PortsImplemented;

    /// <summary>VS: AHCI version.</summary>
    [VmStateField("control_regs.version")] public uint Version;

    /// <summary>Register index of the index/data pair (IDP) access.</summary>
    [VmStateField("idp_index")] public uint IdpIndex;

    // The port count again: a load accepts only this destination's own count, so there is nothing to store.
    [VmStateField("ports", Equal = true)]
    private int PortsOnWire { get => Ports; set { } }
}
