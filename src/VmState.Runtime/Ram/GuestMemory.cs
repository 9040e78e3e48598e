using System.Runtime.InteropServices;

namespace VmState.Ram;

/// <summary>
/// Allocates guest RAM outside the managed heap. On Linux: anonymous mmap (zero-filled by the kernel), aligned to
/// 2 MiB and advised for transparent huge pages, because first-touch page faults dominate the cost of filling a large
/// block (one fault per 2 MiB instead of per 4 KiB). Elsewhere: calloc.
/// </summary>
internal static unsafe partial class GuestMemory
{
    private const nuint HugePage = 2 << 20;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;
    private const int MadvHugePage = 14;

    /// <summary>Zero-filled memory of <paramref name="length"/> bytes; free with <see cref="Free"/>.</summary>
    public static byte* Allocate(long length, out nint handle, out nuint mapped)
    {
        if (OperatingSystem.IsLinux())
        {
            mapped = (nuint)length + HugePage;
            nint raw = Mmap(0, mapped, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (raw != -1)
            {
                nuint aligned = ((nuint)raw + HugePage - 1) & ~(HugePage - 1);
                _ = Madvise((nint)aligned, (nuint)length, MadvHugePage); // advisory: fine if refused
                handle = raw;
                return (byte*)aligned;
            }
        }

        mapped = 0;
        handle = 0;
        return (byte*)NativeMemory.AllocZeroed((nuint)length);
    }

    /// <summary>Releases memory from <see cref="Allocate"/>.</summary>
    public static void Free(byte* memory, nint handle, nuint mapped)
    {
        if (mapped != 0)
        {
            _ = Munmap(handle, mapped);
        }
        else
        {
            NativeMemory.Free(memory);
        }
    }

    /// <summary>Touches every huge page (or 4 KiB page) so later writes do not fault.</summary>
    public static void Prefault(byte* memory, long length)
    {
        for (long offset = 0; offset < length; offset += RamBlock.PageSize)
        {
            // A volatile read-modify-write of a zero byte: the page gets mapped writable, the contents stay.
            Volatile.Write(ref memory[offset], Volatile.Read(ref memory[offset]));
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
