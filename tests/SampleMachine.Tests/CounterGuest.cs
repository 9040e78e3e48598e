using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SampleMachine.Tests;

/// <summary>
/// The counter guest (Guest/counter.s): a tiny multiboot kernel that QEMU boots with <c>-kernel</c>, built from
/// source with GNU <c>as</c> and <c>ld</c> the first time a test asks for it and cached in the temp folder by the
/// hash of its source. It counts rounds in RAM and reads PIT channel 2 back each round (see the source's header).
/// </summary>
internal static partial class CounterGuest
{
    /// <summary>Where the guest keeps its words (physical address).</summary>
    public const ulong Base = 0x0020_0000;

    /// <summary>The word the guest writes at <see cref="Base"/> + 8 once it has set the PIT up ("VMST").</summary>
    public const uint Magic = 0x5453_4d56;

    /// <summary>PIT channel 2's reload value: every count read back is in 1..Reload.</summary>
    public const uint Reload = 0x2e9c;

    private static readonly Lazy<Requirement> ToolsRequirement = new(FindTools);
    private static readonly Lazy<string> Built = new(Build);

    /// <summary>GNU <c>as</c> and <c>ld</c> (binutils), or why they cannot be used.</summary>
    public static Requirement Tools => ToolsRequirement.Value;

    /// <summary>The path of the built kernel (built once per source text).</summary>
    public static string ElfPath => Built.Value;

    /// <summary>The guest's source file in the repository.</summary>
    public static string SourcePath => Repository.PathOf(Path.Combine("tests", "SampleMachine.Tests", "Guest", "counter.s"));

    /// <summary>The QEMU command line (less the monitor) that runs the guest on <paramref name="machine"/> ("pc" or "q35").</summary>
    public static string[] QemuArgs(string machine) => machine switch
    {
        // As the fixtures were made (tests/Fixtures/qemu-7.2/README.md), plus the kernel.
        "pc" => ["-M", "pc", "-m", "16", "-display", "none", "-kernel", ElfPath],
        "q35" => ["-M", "q35", "-m", "16", "-display", "none", "-nic", "user,model=e1000", "-kernel", ElfPath],
        _ => throw new ArgumentOutOfRangeException(nameof(machine), machine, "pc or q35"),
    };

    /// <summary>The guest's four words, read through the monitor with <c>xp</c>.</summary>
    public static async Task<GuestWords> Read(QemuMonitor qemu)
    {
        string output = await qemu.Send(string.Create(CultureInfo.InvariantCulture, $"xp /4wx 0x{Base:x}"));
        Match m = XpLine().Match(output);
        if (!m.Success)
        {
            throw new InvalidOperationException("no xp output line in: " + output);
        }

        uint Word(int i) => uint.Parse(m.Groups[i + 1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new GuestWords(Word(0), Word(1), Word(2), Word(3));
    }

    private static Requirement FindTools()
    {
        foreach (string tool in new[] { "as", "ld" })
        {
            string? path = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, tool))
                .FirstOrDefault(File.Exists);
            if (path is null)
            {
                return new Requirement(null, $"'{tool}' is not installed, and the counter guest is built with GNU as and ld (apt-get install binutils)");
            }
        }

        return new Requirement("as", null);
    }

    private static string Build()
    {
        QemuEnvironment.Require(Tools);
        string source = File.ReadAllText(SourcePath);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];
        string dir = Path.Combine(Path.GetTempPath(), "vmstate-counter-guest-" + hash);
        string elf = Path.Combine(dir, "counter.elf");
        if (File.Exists(elf))
        {
            return elf;
        }

        // Built under a private name and moved into place, so a concurrent test run never sees half a file.
        Directory.CreateDirectory(dir);
        string tag = Guid.NewGuid().ToString("N");
        string obj = Path.Combine(dir, tag + ".o");
        string tmp = Path.Combine(dir, tag + ".elf");
        try
        {
            Run("as", "--32", "-o", obj, SourcePath);
            Run("ld", "-m", "elf_i386", "-n", "-Ttext=0x100000", "-e", "_start", "-o", tmp, obj);
            File.Move(tmp, elf, overwrite: true);
        }
        finally
        {
            File.Delete(obj);
            File.Delete(tmp);
        }

        return elf;
    }

    private static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process p = Process.Start(start)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed (exit {p.ExitCode}): {output.Result}{errors.Result}");
        }
    }

    // "0000000000200000: 0x0025648e 0x00002754 0x54534d56 0x00000089"
    [GeneratedRegex("0000000000200000: 0x([0-9a-f]{8}) 0x([0-9a-f]{8}) 0x([0-9a-f]{8}) 0x([0-9a-f]{8})")]
    private static partial Regex XpLine();
}

/// <summary>The counter guest's words: rounds of its loop, the last PIT count it read, its magic, PIT periods seen.</summary>
internal readonly record struct GuestWords(uint Rounds, uint PitCount, uint Magic, uint Periods)
{
    /// <summary>Set up (magic written) and the PIT count in the range channel 2 was programmed for.</summary>
    public bool LooksRight => Magic == CounterGuest.Magic && PitCount is >= 1 and <= CounterGuest.Reload;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"rounds {Rounds}, pit count 0x{PitCount:x4}, magic 0x{Magic:x8}, periods {Periods}");
}

/// <summary>A fact that needs QEMU 7.2 and GNU binutils (to build the counter guest): skipped without them, except under CI.</summary>
public sealed class QemuGuestFactAttribute : FactAttribute
{
    public QemuGuestFactAttribute() => Skip = QemuEnvironment.SkipReason(QemuEnvironment.Qemu, QemuEnvironment.IsCi)
        ?? QemuEnvironment.SkipReason(CounterGuest.Tools, QemuEnvironment.IsCi);
}
