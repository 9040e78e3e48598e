namespace VmState.Wire;

/// <summary>Fixed numbers of the stream header.</summary>
public static class QemuVmFile
{
    /// <summary><c>QEVM</c>.</summary>
    public const uint Magic = 0x5145564d;
    /// <summary>The only stream version QEMU writes today.</summary>
    public const uint Version = 3;
    /// <summary>Recognised only to be rejected as obsolete.</summary>
    public const uint VersionCompat = 2;
    /// <summary>The byte that stands for a NULL element of a pointer array.</summary>
    public const byte NullPointerMarker = 0x30;
}
