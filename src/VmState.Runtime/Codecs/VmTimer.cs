namespace VmState.Codecs;

/// <summary>
/// A device timer as QEMU migrates it: the expiry time in nanoseconds, or -1 when not armed.
/// <c>default(VmTimer)</c> is a timer that is not armed.
/// </summary>
public readonly record struct VmTimer
{
    // Stored as expiry + 1 so that the zero-initialised struct means "not armed", as a fresh device expects.
    private readonly long _expirePlusOne;

    /// <summary>A timer expiring at <paramref name="expireTime"/> ns, or not armed when it is -1.</summary>
    public VmTimer(long expireTime) => _expirePlusOne = unchecked(expireTime + 1);

    /// <summary>A timer that is not armed.</summary>
    public static VmTimer NotArmed => default;

    /// <summary>Expiry in nanoseconds of the device's clock; -1 when not armed.</summary>
    public long ExpireTime => unchecked(_expirePlusOne - 1);

    /// <summary>True unless the expiry is -1.</summary>
    public bool IsArmed => _expirePlusOne != 0;
}
