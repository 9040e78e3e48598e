using VmState.Description;
using VmState.Qemu.Misc;

namespace VmState.Qemu.Tests;

/// <summary>What the recorded streams cannot show: older versions a device still loads.</summary>
public sealed class DeviceTests
{
    [Fact]
    public void Fw_cfg_takes_cur_offset_as_be16_from_version_1_and_as_be32_since_version_2()
    {
        var v1 = new FwCfg();
        VmStateSerializer.Load(v1, [0x00, 0x19, 0x12, 0x34], versionId: 1);
        Assert.Equal(0x19, v1.CurEntry);
        Assert.Equal(0x1234u, v1.CurOffset);

        var v2 = new FwCfg();
        VmStateSerializer.Load(v2, [0x00, 0x19, 0x00, 0x01, 0x12, 0x34], versionId: 2);
        Assert.Equal(0x0001_1234u, v2.CurOffset);

        // Written at version 2 only: the be16 form is never sent.
        v2.DmaEnabled = false;
        Assert.Equal(new byte[] { 0x00, 0x19, 0x00, 0x01, 0x12, 0x34 }, VmStateSerializer.Save(v2));
    }
}
