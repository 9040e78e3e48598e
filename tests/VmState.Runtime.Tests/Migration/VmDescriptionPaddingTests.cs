using System.Buffers.Binary;
using VmState.Description;
using VmState.Migration;

namespace VmState.Runtime.Tests.Migration;

/// <summary>
/// Tools find the VMDESCRIPTION as the first '{' after the stream's last NUL byte, so its length must not contain a
/// '{' byte after its last zero byte; the saver pads the JSON with spaces when it would.
/// </summary>
public sealed class VmDescriptionPaddingTests
{
    [Theory]
    [InlineData(0x2dce, 0)]
    [InlineData(0x7b00, 0)]      // 00 00 7b 00: the last zero is the last byte
    [InlineData(0x7b, 1)]        // 00 00 00 7b
    [InlineData(0x1237b, 1)]     // 00 01 23 7b
    [InlineData(0x7b01, 0xff)]   // 00 00 7b xx up to 7c 00
    [InlineData(0x7b7b, 0x85)]
    public void Padding_moves_the_length_off_a_brace(int length, int padding)
    {
        Assert.Equal(padding, MigrationSaver.VmDescriptionPadding(length));
    }

    [Fact]
    public void Every_padded_length_is_found_by_the_scripts_rule()
    {
        // EOF, the VMDESCRIPTION type byte, the padded length, the JSON's opening brace (JSON text has no NUL).
        Span<byte> tail = stackalloc byte[7];
        for (int length = 1; length < 0x20000; length++)
        {
            int padded = length + MigrationSaver.VmDescriptionPadding(length);
            tail[1] = 0x06;
            BinaryPrimitives.WriteUInt32BigEndian(tail[2..], (uint)padded);
            tail[6] = (byte)'{';

            int nul = tail.LastIndexOf((byte)0);
            Assert.Equal(6, nul + tail[nul..].IndexOf((byte)'{'));
        }
    }
}
