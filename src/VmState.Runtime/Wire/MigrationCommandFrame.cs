using System.Globalization;

namespace VmState.Wire;

/// <summary>
/// One QEMU_VM_COMMAND frame (type byte 0x08) decoded: be16 command, be16 payload length, then the payload as QEMU 7.2
/// frames each command. Lengths are checked as QEMU checks them (fixed ones exactly; POSTCOPY_ADVISE 0 or 16;
/// RAM_DISCARD a header and whole ranges; RECV_BITMAP a counted name), and a frame that breaks them is a
/// <see cref="VmStateLoadException"/> naming the command. PACKAGED's payload is only its blob's length: the blob follows
/// the frame.
/// </summary>
public sealed record MigrationCommandFrame
{
    /// <summary>The command.</summary>
    public required QemuMigrationCommand Command { get; init; }

    /// <summary>The payload length the frame gave.</summary>
    public required int Length { get; init; }

    /// <summary>PING's value, PACKAGED's blob length.</summary>
    public uint Value { get; init; }

    /// <summary>POSTCOPY_ADVISE (16-byte form): the OR of every RAM block's page size.</summary>
    public ulong PageSizeSummary { get; init; }

    /// <summary>POSTCOPY_ADVISE (16-byte form): the target's page size.</summary>
    public ulong TargetPageSize { get; init; }

    /// <summary>POSTCOPY_RAM_DISCARD's version byte (QEMU knows 0).</summary>
    public byte DiscardVersion { get; init; }

    /// <summary>The RAM block POSTCOPY_RAM_DISCARD or RECV_BITMAP names.</summary>
    public string? Block { get; init; }

    /// <summary>POSTCOPY_RAM_DISCARD's ranges: byte offset and length inside <see cref="Block"/>.</summary>
    public IReadOnlyList<(ulong Start, ulong Length)> Ranges { get; init; } = [];

    /// <summary>QEMU's name of the command (<c>PING</c>, <c>PACKAGED</c>, ...).</summary>
    public string Name => MigrationCommandInfo.NameOf(Command);

    /// <summary>
    /// Reads a command frame after its type byte. <paramref name="at"/> is the type byte's offset, for errors.
    /// SWITCHOVER_START (QEMU 10.0's) is accepted; numbers past it are unknown.
    /// </summary>
    /// <exception cref="VmStateLoadException">An unknown command, a length the command does not take, or a payload that
    /// does not fill its length.</exception>
    public static MigrationCommandFrame Read(ref VmStateReader reader, long at)
    {
        ushort raw = reader.ReadUInt16();
        ushort length = reader.ReadUInt16();
        var command = (QemuMigrationCommand)raw;
        if (raw == 0 || raw >= MigrationCommandInfo.Count)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"MIG_CMD 0x{raw:x} unknown (len 0x{length:x})"), at);
        }

        string name = MigrationCommandInfo.NameOf(command);
        int expected = MigrationCommandInfo.LengthOf(command);
        bool badLength = command == QemuMigrationCommand.PostcopyAdvise
            ? length is not (0 or 16)
            : expected != MigrationCommandInfo.VariableLength && length != expected;
        if (badLength)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"{name} received with bad length - expecting {expected}, received {length}"), at);
        }

        reader.EnsureAvailable(length, 1);
        long payloadAt = reader.Position;
        var frame = command switch
        {
            QemuMigrationCommand.Ping or QemuMigrationCommand.Packaged => new MigrationCommandFrame { Command = command, Length = length, Value = reader.ReadUInt32() },
            QemuMigrationCommand.PostcopyAdvise when length == 16 => new MigrationCommandFrame
            {
                Command = command,
                Length = length,
                PageSizeSummary = reader.ReadUInt64(),
                TargetPageSize = reader.ReadUInt64(),
            },
            QemuMigrationCommand.PostcopyRamDiscard => ReadDiscard(ref reader, length, at),
            QemuMigrationCommand.RecvBitmap => ReadRecvBitmap(ref reader, length, at),
            _ => new MigrationCommandFrame { Command = command, Length = length },
        };

        if (reader.Position != payloadAt + length)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"{name}: the payload of {length} bytes holds {reader.Position - payloadAt}"), at);
        }

        return frame;
    }

    private static MigrationCommandFrame ReadDiscard(ref VmStateReader reader, int length, long at)
    {
        // u8 version, u8 name length, the name, a NUL, then (be64 start, be64 length) pairs to the end.
        if (length < 3)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"POSTCOPY_RAM_DISCARD of {length} bytes is too short"), at);
        }

        byte version = reader.ReadUInt8();
        if (version != 0)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"POSTCOPY_RAM_DISCARD of version {version} (only 0 is known)"), at);
        }

        string block = reader.ReadCountedString();
        int header = 2 + System.Text.Encoding.UTF8.GetByteCount(block) + 1;
        if (length < header || reader.ReadUInt8() != 0 || (length - header) % 16 != 0)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"POSTCOPY_RAM_DISCARD for '{PrintableText.Escape(block)}': {length} bytes are not its header and whole ranges"), at);
        }

        var ranges = new List<(ulong, ulong)>((length - header) / 16);
        for (int i = header; i < length; i += 16)
        {
            ranges.Add((reader.ReadUInt64(), reader.ReadUInt64()));
        }

        return new MigrationCommandFrame { Command = QemuMigrationCommand.PostcopyRamDiscard, Length = length, DiscardVersion = version, Block = block, Ranges = ranges };
    }

    private static MigrationCommandFrame ReadRecvBitmap(ref VmStateReader reader, int length, long at)
    {
        string block = reader.ReadCountedString();
        if (length != 1 + System.Text.Encoding.UTF8.GetByteCount(block))
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"RECV_BITMAP of {length} bytes does not hold exactly a counted block name"), at);
        }

        return new MigrationCommandFrame { Command = QemuMigrationCommand.RecvBitmap, Length = length, Block = block };
    }

    /// <summary>
    /// Writes a command frame (its type byte too) that has no payload, or, for PING and PACKAGED, the be32
    /// <paramref name="value"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A command whose payload is more than that.</exception>
    public static void Write(ref VmStateWriter writer, QemuMigrationCommand command, uint value = 0)
    {
        int length = MigrationCommandInfo.LengthOf(command);
        if (length is not (0 or 4) || (length == 4 && command is not (QemuMigrationCommand.Ping or QemuMigrationCommand.Packaged)))
        {
            throw new ArgumentException($"{MigrationCommandInfo.NameOf(command)} has a payload this writer does not make", nameof(command));
        }

        writer.WriteUInt8((byte)QemuSectionType.Command);
        writer.WriteUInt16((ushort)command);
        writer.WriteUInt16((ushort)length);
        if (length == 4)
        {
            writer.WriteUInt32(value);
        }
    }

    /// <summary>Writes POSTCOPY_ADVISE in its 16-byte form: the OR of the RAM blocks' page sizes and the target page size.</summary>
    public static void WriteAdvise(ref VmStateWriter writer, ulong pageSizeSummary, ulong targetPageSize)
    {
        writer.WriteUInt8((byte)QemuSectionType.Command);
        writer.WriteUInt16((ushort)QemuMigrationCommand.PostcopyAdvise);
        writer.WriteUInt16(16);
        writer.WriteUInt64(pageSizeSummary);
        writer.WriteUInt64(targetPageSize);
    }

    /// <summary>The most ranges QEMU puts in one POSTCOPY_RAM_DISCARD; longer lists take several commands.</summary>
    public const int MaxDiscardRanges = 12;

    /// <summary>
    /// Writes one POSTCOPY_RAM_DISCARD for <paramref name="block"/>: version 0, the counted name, a NUL, then each range
    /// as be64 start and be64 length in bytes (at most <see cref="MaxDiscardRanges"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No ranges, too many, or a block name longer than 255 bytes.</exception>
    public static void WriteDiscard(ref VmStateWriter writer, string block, scoped ReadOnlySpan<(ulong Start, ulong Length)> ranges)
    {
        ArgumentNullException.ThrowIfNull(block);
        int name = System.Text.Encoding.UTF8.GetByteCount(block);
        if (ranges.Length is 0 or > MaxDiscardRanges || name > 255)
        {
            throw new ArgumentException($"A discard command holds 1 to {MaxDiscardRanges} ranges of a block whose name fits in 255 bytes", nameof(ranges));
        }

        writer.WriteUInt8((byte)QemuSectionType.Command);
        writer.WriteUInt16((ushort)QemuMigrationCommand.PostcopyRamDiscard);
        writer.WriteUInt16((ushort)(2 + name + 1 + (16 * ranges.Length)));
        writer.WriteUInt8(0);
        writer.WriteCountedString(block);
        writer.WriteUInt8(0);
        foreach ((ulong start, ulong length) in ranges)
        {
            writer.WriteUInt64(start);
            writer.WriteUInt64(length);
        }
    }

    /// <summary>
    /// Writes RECV_BITMAP for <paramref name="block"/> (the counted name alone): a resuming postcopy source asks for the
    /// destination's received bitmap of that block.
    /// </summary>
    /// <exception cref="ArgumentException">A name longer than 255 bytes.</exception>
    public static void WriteRecvBitmap(ref VmStateWriter writer, string block)
    {
        ArgumentNullException.ThrowIfNull(block);
        int name = System.Text.Encoding.UTF8.GetByteCount(block);
        if (name > 255)
        {
            throw new ArgumentException("A block name fits in 255 bytes", nameof(block));
        }

        writer.WriteUInt8((byte)QemuSectionType.Command);
        writer.WriteUInt16((ushort)QemuMigrationCommand.RecvBitmap);
        writer.WriteUInt16((ushort)(1 + name));
        writer.WriteCountedString(block);
    }

    /// <summary>One line about the frame, as <c>analyze --frames</c> prints it.</summary>
    public string Describe()
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"COMMAND {Name} (cmd {(int)Command}, len {Length})");
        return Command switch
        {
            QemuMigrationCommand.Ping => head + string.Create(CultureInfo.InvariantCulture, $" value={Value}"),
            QemuMigrationCommand.Packaged => head + string.Create(CultureInfo.InvariantCulture, $" blob of {Value} bytes follows"),
            QemuMigrationCommand.PostcopyAdvise when Length == 16 => head + string.Create(CultureInfo.InvariantCulture, $" ram_pagesize_summary=0x{PageSizeSummary:x} target_page_size={TargetPageSize}"),
            QemuMigrationCommand.PostcopyRamDiscard => head + string.Create(
                CultureInfo.InvariantCulture,
                $" version={DiscardVersion} ramblock='{PrintableText.Escape(Block)}' {Ranges.Count} ranges: {string.Join(' ', Ranges.Select(r => $"0x{r.Start:x}+0x{r.Length:x}"))}"),
            QemuMigrationCommand.RecvBitmap => head + $" ramblock='{PrintableText.Escape(Block)}'",
            _ => head,
        };
    }
}
