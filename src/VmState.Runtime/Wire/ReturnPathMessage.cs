using System.Globalization;

namespace VmState.Wire;

/// <summary>
/// One return-path message: be16 type, be16 length, then its data as QEMU 7.2 frames it (SHUT, PONG and RESUME_ACK
/// be32; REQ_PAGES be64 start and be32 length; REQ_PAGES_ID those and a counted block name; RECV_BITMAP a counted
/// name, with the bitmap itself after the message: be64 size, the bitmap, be64 end mark). A type QEMU 7.2 does not
/// know, or a length its type does not take, is a <see cref="VmStateLoadException"/> naming the message.
/// </summary>
public sealed record ReturnPathMessage
{
    /// <summary>The end mark after a received bitmap.</summary>
    public const ulong BitmapEndMark = 0x0123456789abcdef;

    /// <summary>The message type.</summary>
    public required QemuReturnPathMessageType Type { get; init; }

    /// <summary>The data length the frame gave.</summary>
    public required int Length { get; init; }

    /// <summary>SHUT's, PONG's and RESUME_ACK's value.</summary>
    public uint Value { get; init; }

    /// <summary>REQ_PAGES(_ID): the first byte wanted, inside the block.</summary>
    public ulong Start { get; init; }

    /// <summary>REQ_PAGES(_ID): how many bytes.</summary>
    public uint Size { get; init; }

    /// <summary>REQ_PAGES_ID's and RECV_BITMAP's RAM block.</summary>
    public string? Block { get; init; }

    /// <summary>RECV_BITMAP: the bitmap that followed the message (little-endian 64-bit words, as QEMU sends it).</summary>
    public byte[]? Bitmap { get; init; }

    /// <summary>QEMU's name of the type.</summary>
    public string Name => NameOf(Type);

    /// <summary>QEMU's name of a message type.</summary>
    public static string NameOf(QemuReturnPathMessageType type) => type switch
    {
        QemuReturnPathMessageType.Shut => "SHUT",
        QemuReturnPathMessageType.Pong => "PONG",
        QemuReturnPathMessageType.ReqPagesId => "REQ_PAGES_ID",
        QemuReturnPathMessageType.ReqPages => "REQ_PAGES",
        QemuReturnPathMessageType.RecvBitmap => "RECV_BITMAP",
        QemuReturnPathMessageType.ResumeAck => "RESUME_ACK",
        QemuReturnPathMessageType.SwitchoverAck => "SWITCHOVER_ACK",
        _ => "INVALID",
    };

    /// <summary>Reads one message (and a RECV_BITMAP's bitmap). <paramref name="allowSwitchoverAck"/> also takes
    /// SWITCHOVER_ACK, which QEMU 7.2 does not know.</summary>
    /// <exception cref="VmStateLoadException">An unknown type, a length the type does not take, or data that does not fill it.</exception>
    public static ReturnPathMessage Read(ref VmStateReader reader, bool allowSwitchoverAck = false)
    {
        long at = reader.Position;
        ushort raw = reader.ReadUInt16();
        ushort length = reader.ReadUInt16();
        var type = (QemuReturnPathMessageType)raw;
        int max = allowSwitchoverAck ? (int)QemuReturnPathMessageType.SwitchoverAck : (int)QemuReturnPathMessageType.ResumeAck;
        if (raw == 0 || raw > max)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Received invalid return-path message 0x{raw:x4} length 0x{length:x4}"), at);
        }

        int expected = type switch
        {
            QemuReturnPathMessageType.Shut or QemuReturnPathMessageType.Pong or QemuReturnPathMessageType.ResumeAck => 4,
            QemuReturnPathMessageType.ReqPages => 12,
            QemuReturnPathMessageType.SwitchoverAck => 0,
            _ => -1,
        };
        if (expected >= 0 && length != expected)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Received bad length 0x{length:x4} for return-path message {NameOf(type)} (0x{raw:x4}), expected 0x{expected:x4}"), at);
        }

        reader.EnsureAvailable(length, 1);
        long dataAt = reader.Position;
        ReturnPathMessage message = type switch
        {
            QemuReturnPathMessageType.Shut or QemuReturnPathMessageType.Pong or QemuReturnPathMessageType.ResumeAck =>
                new ReturnPathMessage { Type = type, Length = length, Value = reader.ReadUInt32() },
            QemuReturnPathMessageType.ReqPages or QemuReturnPathMessageType.ReqPagesId => ReadRequest(ref reader, type, length, at),
            QemuReturnPathMessageType.RecvBitmap => new ReturnPathMessage { Type = type, Length = length, Block = reader.ReadCountedString() },
            _ => new ReturnPathMessage { Type = type, Length = length },
        };

        if (reader.Position != dataAt + length)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Received return-path message {message.Name} of length {length} whose data takes {reader.Position - dataAt}"), at);
        }

        return type == QemuReturnPathMessageType.RecvBitmap ? message with { Bitmap = ReadBitmap(ref reader, message.Block!) } : message;
    }

    private static ReturnPathMessage ReadRequest(ref VmStateReader reader, QemuReturnPathMessageType type, int length, long at)
    {
        if (length < 12)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Received {NameOf(type)} of length {length}, shorter than its 12-byte range"), at);
        }

        ulong start = reader.ReadUInt64();
        uint size = reader.ReadUInt32();
        string? block = length > 12 ? reader.ReadCountedString() : null;
        return new ReturnPathMessage { Type = type, Length = length, Start = start, Size = size, Block = block };
    }

    private static byte[] ReadBitmap(ref VmStateReader reader, string block)
    {
        long at = reader.Position;
        ulong size = reader.ReadUInt64();
        reader.EnsureAvailable((long)Math.Min(size, long.MaxValue), 1);
        byte[] bitmap = new byte[size];
        reader.ReadBytes(bitmap);
        ulong end = reader.ReadUInt64();
        if (end != BitmapEndMark)
        {
            VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"The received bitmap of RAM block '{PrintableText.Escape(block)}' ends with 0x{end:x}, not its end mark"), at);
        }

        return bitmap;
    }

    /// <summary>Writes a message with no data beyond what <paramref name="message"/> holds (a RECV_BITMAP's bitmap too).</summary>
    public static void Write(ref VmStateWriter writer, ReturnPathMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        writer.WriteUInt16((ushort)message.Type);
        switch (message.Type)
        {
            case QemuReturnPathMessageType.Shut or QemuReturnPathMessageType.Pong or QemuReturnPathMessageType.ResumeAck:
                writer.WriteUInt16(4);
                writer.WriteUInt32(message.Value);
                break;
            case QemuReturnPathMessageType.ReqPages or QemuReturnPathMessageType.ReqPagesId:
                byte[] name = message.Type == QemuReturnPathMessageType.ReqPagesId ? System.Text.Encoding.UTF8.GetBytes(message.Block ?? "") : [];
                writer.WriteUInt16((ushort)(message.Type == QemuReturnPathMessageType.ReqPagesId ? 12 + 1 + name.Length : 12));
                writer.WriteUInt64(message.Start);
                writer.WriteUInt32(message.Size);
                if (message.Type == QemuReturnPathMessageType.ReqPagesId)
                {
                    writer.WriteUInt8((byte)name.Length);
                    writer.WriteBytes(name);
                }

                break;
            case QemuReturnPathMessageType.RecvBitmap:
                byte[] id = System.Text.Encoding.UTF8.GetBytes(message.Block ?? "");
                writer.WriteUInt16((ushort)(1 + id.Length));
                writer.WriteUInt8((byte)id.Length);
                writer.WriteBytes(id);
                byte[] bitmap = message.Bitmap ?? [];
                writer.WriteUInt64((ulong)bitmap.Length);
                writer.WriteBytes(bitmap);
                writer.WriteUInt64(BitmapEndMark);
                break;
            default:
                writer.WriteUInt16(0);
                break;
        }
    }

    /// <summary>One line about the message, as <c>analyze --return-path</c> prints it.</summary>
    public string Describe()
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"{Name} (type {(int)Type}, len {Length})");
        return Type switch
        {
            QemuReturnPathMessageType.Shut or QemuReturnPathMessageType.Pong or QemuReturnPathMessageType.ResumeAck => head + string.Create(CultureInfo.InvariantCulture, $" value={Value}"),
            QemuReturnPathMessageType.ReqPages => head + string.Create(CultureInfo.InvariantCulture, $" start=0x{Start:x} length={Size}"),
            QemuReturnPathMessageType.ReqPagesId => head + string.Create(CultureInfo.InvariantCulture, $" start=0x{Start:x} length={Size} ramblock='{PrintableText.Escape(Block)}'"),
            QemuReturnPathMessageType.RecvBitmap => head + string.Create(CultureInfo.InvariantCulture, $" ramblock='{PrintableText.Escape(Block)}' bitmap of {Bitmap?.Length ?? 0} bytes"),
            _ => head,
        };
    }
}
