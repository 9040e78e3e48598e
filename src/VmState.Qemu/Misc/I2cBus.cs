using VmState.Description;

namespace VmState.Qemu.Misc;

/// <summary>
/// QEMU 7.2's I2C bus state (<c>i2c_bus</c>, <c>hw/i2c/core.c</c>): the address of the target of the transfer in
/// progress, 0xff when there is none or the transfer is a broadcast. Targets rejoin the transfer on load by
/// comparing their own address with it.
/// </summary>
[VmState("i2c_bus")]
public sealed partial class I2cBus
{
    /// <summary>The value saved when no single target is addressed.</summary>
    public const byte NoAddress = 0xff;

    /// <summary>Address of the current target, as migrated.</summary>
    [VmStateField("saved_address")]
    public byte SavedAddress = NoAddress;

    /// <summary>The target of the transfer in progress, or null (not migrated as such).</summary>
    public byte? CurrentAddress { get; set; }

    /// <summary>The transfer in progress addresses every target (not migrated).</summary>
    public bool Broadcast { get; set; }

    [PreSave]
    private void BeforeSave() => SavedAddress = Broadcast || CurrentAddress is null ? NoAddress : CurrentAddress.Value;

    [PostLoad]
    private void AfterLoad()
    {
        Broadcast = false;
        CurrentAddress = SavedAddress == NoAddress ? null : SavedAddress;
    }
}
