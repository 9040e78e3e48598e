using System.Globalization;
using VmState.Description;

namespace VmState.Runtime.Tests.Schema;

/// <summary>tests/Fixtures/qemu-checker-data: QEMU's checker inputs and what its script printed for them.</summary>
internal static class CheckerFixtures
{
    public static string PathOf(string directory, string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Fixtures", directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tests/Fixtures/{directory}/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A dump by its name: dump1.json, dump2.json, or pc.vmstate.json (from qemu-7.2).</summary>
    public static string Dump(string name) =>
        File.ReadAllText(PathOf(name.StartsWith("pc.", StringComparison.Ordinal) ? "qemu-7.2" : "qemu-checker-data", name));

    /// <summary>An expected-*.txt file: line 1 is <c>exit code: N</c>, the rest is the script's stdout.</summary>
    public static (int ExitCode, string Output) Expected(string name)
    {
        string text = File.ReadAllText(PathOf("qemu-checker-data", name));
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        const string Prefix = "exit code: ";
        string first = text[..newline];
        Assert.StartsWith(Prefix, first, StringComparison.Ordinal);
        return (int.Parse(first[Prefix.Length..], CultureInfo.InvariantCulture), text[(newline + 1)..]);
    }
}
