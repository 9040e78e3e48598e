using VmState.Description;

namespace VmState.Qemu.Isa;

/// <summary>QEMU 7.2's PC speaker (<c>hw/audio/pcspk.c</c>, device type "isa-pcspk").</summary>
[VmState("pcspk", DeviceType = "isa-pcspk")]
public sealed partial class PcSpeaker
{
    /// <summary>Speaker data bit of port 0x61.</summary>
    [VmStateField("data_on")] public byte DataOn;

    /// <summary>The refresh-clock bit games poll on port 0x61.</summary>
    [VmStateField("dummy_refresh_clock")] public byte DummyRefreshClock;
}
