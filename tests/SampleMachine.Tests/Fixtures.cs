namespace SampleMachine.Tests;

/// <summary>Real QEMU 7.2 output checked in under tests/Fixtures/qemu-7.2, and QEMU 10.0's under tests/Fixtures/qemu-10.0 (see their READMEs).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Fixtures", "qemu-7.2");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/Fixtures/qemu-7.2 not found above " + AppContext.BaseDirectory);
    });

    public static string Path_(string name) => Path.Combine(Root.Value, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path_(name));

    public static string Text(string name) => File.ReadAllText(Path_(name));

    /// <summary>A file of tests/Fixtures/qemu-10.0.</summary>
    public static string Qemu10Path(string name) => Path.Combine(Path.GetDirectoryName(Root.Value)!, "qemu-10.0", name);
}
