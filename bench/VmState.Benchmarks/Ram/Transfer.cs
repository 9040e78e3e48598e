using System.Diagnostics;

namespace VmState.Benchmarks.Ram;

/// <summary>One timed transfer: the guest bytes it moved and how long it took.</summary>
public readonly record struct Transfer(long GuestBytes, long WireBytes, TimeSpan Elapsed)
{
    /// <summary>Guest bytes per second: the figure a save, a load and a raw copy of the same guest share.</summary>
    public double GuestBytesPerSecond => GuestBytes / Elapsed.TotalSeconds;

    /// <summary>Times <paramref name="work"/>, which returns the bytes it put on the wire.</summary>
    public static Transfer Time(long guestBytes, Func<long> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        long start = Stopwatch.GetTimestamp();
        long wire = work();
        return new Transfer(guestBytes, wire, Stopwatch.GetElapsedTime(start));
    }
}
