using VmState.Description;

namespace VmState.Runtime.Tests.Analysis;

/// <summary>The checked-in QEMU 7.2 output under tests/Fixtures/qemu-7.2.</summary>
internal static class QemuFixtures
{
    public static string PathOf(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Fixtures", "qemu-7.2", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/Fixtures/qemu-7.2/" + name + " not found above " + AppContext.BaseDirectory);
    }

    public static byte[] Stream => File.ReadAllBytes(PathOf("pc-16m.migration"));

    public static string Text(string name) => File.ReadAllText(PathOf(name));
}
