using System.Buffers.Binary;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>
/// A stream whose id string or machine name holds ESC and <c>"\nerror: forged"</c> gets exactly one printable
/// <c>error:</c> line from <c>load</c>, <c>import-qemu</c> and <c>analyze</c>: no terminal escapes, no forged line.
/// </summary>
public sealed class HostileTextCliTests : IDisposable
{
    private const string Hostile = "dev\x1b[31m\nerror: forged";

    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"vmstate-hostile-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, bool> Cases => new()
    {
        { "load", "vmstate-sample-1.0", true },
        { "load", Hostile, false },
        { "import-qemu", "pc-i440fx-7.2", true },
        { "import-qemu", Hostile, false },
        { "analyze", "pc-i440fx-7.2", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_hostile_name_gives_one_printable_error_line(string command, string machine, bool hostileSection)
    {
        string file = Path.Combine(_dir, "in.mig");
        File.WriteAllBytes(file, Stream(machine, hostileSection ? Hostile : null));

        (int rc, string stdout, string stderr) = Cli(command, file);

        Assert.Equal(3, rc);
        Assert.DoesNotContain(stdout + stderr.TrimEnd('\n'), c => char.IsControl(c));
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("dev\\x1b[31m\\nerror: forged", line, StringComparison.Ordinal);
    }

    // Header, configuration, one FULL section when asked (an empty body: nothing knows it), EOF and a VMDESCRIPTION
    // that lists no device.
    private static byte[] Stream(string machine, string? section)
    {
        var s = new List<byte>();
        Be32(s, QemuVmFile.Magic);
        Be32(s, QemuVmFile.Version);
        s.Add((byte)QemuSectionType.Configuration);
        Counted32(s, System.Text.Encoding.UTF8.GetBytes(machine));
        if (section is not null)
        {
            byte[] id = System.Text.Encoding.UTF8.GetBytes(section);
            s.Add((byte)QemuSectionType.SectionFull);
            Be32(s, 1);
            s.Add((byte)id.Length);
            s.AddRange(id);
            Be32(s, 0);
            Be32(s, 1);
            s.Add((byte)QemuSectionType.SectionFooter);
            Be32(s, 1);
        }

        s.Add((byte)QemuSectionType.Eof);
        s.Add((byte)QemuSectionType.VmDescription);
        Counted32(s, System.Text.Encoding.UTF8.GetBytes("{\"page_size\": 4096, \"devices\": []}"));
        return [.. s];
    }

    private static (int Rc, string Out, string Err) Cli(params string[] args) => InProcessCli.Run(args);

    private static void Counted32(List<byte> s, byte[] bytes)
    {
        Be32(s, (uint)bytes.Length);
        s.AddRange(bytes);
    }

    private static void Be32(List<byte> s, uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        s.AddRange(b);
    }
}
