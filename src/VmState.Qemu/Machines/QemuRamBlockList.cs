using System.Globalization;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Qemu.Machines;

/// <summary>
/// The RAM block list a <c>ram</c> START section announces, read and checked before anything is allocated: a stream
/// from outside decides how much memory the import maps, so its claims are bounded here.
/// </summary>
public static class QemuRamBlockList
{
    /// <summary>The default limit on the total RAM a stream may claim: 16 GiB.</summary>
    public const long DefaultMaxMemory = 16L << 30;

    /// <summary>
    /// Reads the block list at the start of a <c>ram</c> START body: the MEM_SIZE total, then each block's id string
    /// and length, until the lengths add up to the total.
    /// </summary>
    /// <exception cref="VmStateLoadException">The list does not start with a MEM_SIZE total, a block is empty or not a
    /// whole number of pages, or the blocks run past the total; each names the block and its offset.</exception>
    public static List<QemuRamBlockSpec> Read(ref VmStateReader reader)
    {
        long at = reader.Position;
        ulong header = reader.ReadUInt64();
        const ulong pageMask = RamBlock.PageSize - 1;
        if ((header & pageMask) != (ulong)QemuRamRecordKinds.MemSize)
        {
            throw new VmStateLoadException(Invariant($"The ram section does not start with its MEM_SIZE total (header 0x{header:x})"), at);
        }

        ulong total = header & ~pageMask;
        var blocks = new List<QemuRamBlockSpec>();
        for (ulong left = total; left > 0;)
        {
            long blockAt = reader.Position;
            string id = reader.ReadCountedString();
            ulong length = reader.ReadUInt64();
            if (length == 0 || (length & pageMask) != 0)
            {
                throw new VmStateLoadException(Invariant($"RAM block '{id}' has length 0x{length:x}, not a nonzero whole number of {RamBlock.PageSize}-byte pages"), blockAt);
            }

            if (length > long.MaxValue)
            {
                throw new VmStateLoadException(Invariant($"RAM block '{id}' claims 0x{length:x} bytes, more than any machine has"), blockAt);
            }

            if (length > left)
            {
                throw new VmStateLoadException(Invariant($"RAM block '{id}' of 0x{length:x} bytes runs past the list's MEM_SIZE total of 0x{total:x} (0x{left:x} left)"), blockAt);
            }

            blocks.Add(new QemuRamBlockSpec(id, (long)length));
            left -= length;
        }

        return blocks;
    }

    /// <summary>
    /// Fails when <paramref name="blocks"/> together claim more than <paramref name="maxMemory"/> bytes, naming the
    /// largest blocks, the claim, the limit and <paramref name="offset"/> (where the stream's block list is).
    /// </summary>
    /// <exception cref="VmStateLoadException">The blocks claim more than the limit.</exception>
    public static void CheckLimit(IReadOnlyList<QemuRamBlockSpec> blocks, long maxMemory, long offset)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMemory);

        // Each length fits in a long (Read checks); their sum may not.
        decimal claimed = blocks.Sum(b => (decimal)b.Length);
        if (claimed <= maxMemory)
        {
            return;
        }

        QemuRamBlockSpec[] largest = [.. blocks.OrderByDescending(b => b.Length).Take(3)];
        string named = string.Join(", ", largest.Select(b => $"'{b.Id}' ({Format(b.Length)})"));
        if (blocks.Count > largest.Length)
        {
            named += Invariant($" and {blocks.Count - largest.Length} more");
        }

        throw new VmStateLoadException(
            $"The stream's RAM blocks claim {Format(claimed)} in total, more than the limit of {Format(maxMemory)}: {named}; raise the limit (QemuImportOptions.MaxMemory, --max-memory) to import it",
            offset);
    }

    // Exact bytes too, so that a claim just over the limit is visibly over it.
    private static string Format(decimal bytes)
    {
        string unit = bytes switch
        {
            >= 1L << 40 => Invariant($"{bytes / (1L << 40):0.##} TiB"),
            >= 1L << 30 => Invariant($"{bytes / (1L << 30):0.##} GiB"),
            >= 1L << 20 => Invariant($"{bytes / (1L << 20):0.##} MiB"),
            _ => Invariant($"{bytes / (1L << 10):0.##} KiB"),
        };
        return Invariant($"{unit} = {bytes:0} bytes");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
