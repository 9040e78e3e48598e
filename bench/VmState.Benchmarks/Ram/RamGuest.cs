using System.Runtime.CompilerServices;
using VmState.Migration;
using VmState.Ram;

namespace VmState.Benchmarks.Ram;

/// <summary>
/// A machine that is RAM alone: one block registered as QEMU's "ram" section, so a benchmark measures the RAM path
/// of the real saver and loader and nothing else.
/// </summary>
public sealed unsafe class RamGuest : IDisposable
{
    private RamGuest(long bytes)
    {
        Block = new RamBlock("pc.ram", bytes);
        Block.Prefault();
        Section = new RamSection([Block]);
        Registry = new VmStateRegistry();
        Registry.RegisterLive(RamSection.IdStr, Section, RamSection.SectionVersion);
    }

    /// <summary>The guest's one block.</summary>
    public RamBlock Block { get; }

    /// <summary>Its RAM section.</summary>
    public RamSection Section { get; }

    /// <summary>A registry holding only that section.</summary>
    public VmStateRegistry Registry { get; }

    /// <summary>The whole block as one span (a raw copy reads or writes it directly).</summary>
    public Span<byte> Memory => new(Unsafe.AsPointer(ref Block.Page(0)[0]), checked((int)Block.Length));

    /// <summary>A zeroed, prefaulted guest (a destination, as the sample machine's incoming prepares one).</summary>
    public static RamGuest Empty(long bytes)
    {
        var guest = new RamGuest(bytes);
        guest.Section.LoadOntoZeroedRam = true;
        return guest;
    }

    /// <summary>A prefaulted guest filled as <paramref name="fill"/> says, deterministically from <paramref name="seed"/>.</summary>
    public static RamGuest Filled(long bytes, RamFill fill, int seed)
    {
        var guest = new RamGuest(bytes);
        var rng = new Random(seed);
        Span<byte> memory = guest.Memory;
        switch (fill)
        {
            case RamFill.Random:
                rng.NextBytes(memory);
                break;
            case RamFill.Touched10:
                for (long page = 0; page < guest.Block.PageCount; page += 10)
                {
                    rng.NextBytes(guest.Block.Page(page));
                }

                break;
        }

        return guest;
    }

    /// <inheritdoc/>
    public void Dispose() => Block.Dispose();
}
