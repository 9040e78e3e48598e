using System.Buffers.Binary;
using VmState.Generated;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Runtime.Tests.Wire;

/// <summary>
/// Text a stream carries (id strings, subsection and machine names) reaches an error message escaped: a crafted
/// stream cannot send terminal escape sequences or forge a second <c>error:</c> line.
/// </summary>
public sealed class HostileTextTests
{
    private const string Hostile = "dev\x1b[31m\nerror: forged\r";

    private static void AssertPrintable(string message)
    {
        Assert.DoesNotContain(message, c => char.IsControl(c));
        Assert.Contains("\\x1b[31m\\nerror: forged\\r", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Escape_makes_controls_visible_and_keeps_printable_text()
    {
        Assert.Equal("pc.ram", PrintableText.Escape("pc.ram"));
        Assert.Equal("0000:00:03.0/e1000", PrintableText.Escape("0000:00:03.0/e1000"));
        Assert.Equal("a\\nb\\r\\t\\x1b\\x00\\x7f\\u0085\\u202e\\\\", PrintableText.Escape("a\nb\r\t\x1b\0\x7f\u0085\u202e\\"));
        Assert.Equal("\\ud800x", PrintableText.Escape("\ud800x"));
        Assert.Equal("é😀", PrintableText.Escape("é😀"));
        Assert.Equal("a\\x1b\\\\x", PrintableText.OneLine("a\x1b\\\\x"));
        Assert.Equal("ok\\xff\\xc3\\x1b é", PrintableText.Escape([(byte)'o', (byte)'k', 0xff, 0xc3, 0x1b, (byte)' ', 0xc3, 0xa9]));
    }

    [Fact]
    public void An_unknown_section_id_string_is_escaped_in_the_error()
    {
        var stream = new List<byte>();
        Header(stream);
        Configuration(stream, "m");
        stream.Add((byte)QemuSectionType.SectionFull);
        Be32(stream, 1);
        Counted(stream, System.Text.Encoding.UTF8.GetBytes(Hostile));
        Be32(stream, 0);
        Be32(stream, 1);

        var e = Assert.Throws<VmStateLoadException>(() =>
            new MigrationLoader(new VmStateRegistry(), new MigrationStreamOptions { MachineName = "m" }).Load(stream.ToArray()));
        AssertPrintable(e.Message);
    }

    [Fact]
    public void A_foreign_machine_name_is_escaped_in_the_error()
    {
        var stream = new List<byte>();
        Header(stream);
        Configuration(stream, Hostile);
        stream.Add((byte)QemuSectionType.Eof);

        var e = Assert.Throws<VmStateLoadException>(() =>
            new MigrationLoader(new VmStateRegistry(), new MigrationStreamOptions { MachineName = "m" }).Load(stream.ToArray()));
        AssertPrintable(e.Message);
    }

    [Fact]
    public void An_unknown_subsection_name_is_escaped_with_its_invalid_utf8()
    {
        byte[] name = [.. System.Text.Encoding.UTF8.GetBytes("e1000/" + Hostile), 0xff];
        byte[] bytes = [(byte)QemuSectionType.Subsection, (byte)name.Length, .. name, 0, 0, 0, 1];

        var e = Assert.Throws<VmStateLoadException>(() =>
        {
            var reader = new VmStateReader(bytes);
            VmStateSubsections.TryReadHeader(ref reader, "e1000", ["e1000/mit_state"], out _, out _);
        });
        AssertPrintable(e.Message);
        Assert.Contains("\\xff'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_section_named_in_a_message_is_escaped()
    {
        var e = new VmStateLoadException("bad", 3);
        e.SetSectionIfUnset(Hostile);
        AssertPrintable(e.Message);
    }

    private static void Header(List<byte> s)
    {
        Be32(s, QemuVmFile.Magic);
        Be32(s, QemuVmFile.Version);
    }

    private static void Configuration(List<byte> s, string machine)
    {
        byte[] name = System.Text.Encoding.UTF8.GetBytes(machine);
        s.Add((byte)QemuSectionType.Configuration);
        Be32(s, (uint)name.Length);
        s.AddRange(name);
    }

    private static void Counted(List<byte> s, byte[] text)
    {
        s.Add((byte)text.Length);
        s.AddRange(text);
    }

    private static void Be32(List<byte> s, uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        s.AddRange(b);
    }
}
