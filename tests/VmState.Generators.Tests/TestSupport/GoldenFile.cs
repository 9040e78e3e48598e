using System.Runtime.CompilerServices;
using VmState.Description;

namespace VmState.Generators.Tests.TestSupport;

/// <summary>
/// Compares generated text with a checked-in baseline, <c>Golden/&lt;name&gt;.g.cs.txt</c>. Baselines are only ever
/// written on request (<c>VMSTATE_ACCEPT=1</c>), never because one is missing, so CI cannot accept output silently.
/// </summary>
internal static class GoldenFile
{
    public const string AcceptVariable = "VMSTATE_ACCEPT";

    public static void Verify(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        string directory = GoldenDirectory(callerPath);
        string expectedPath = Path.Combine(directory, name + ".g.cs.txt");
        string receivedPath = Path.Combine(directory, name + ".received.txt");
        string normalizedActual = Normalize(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(expectedPath, normalizedActual);
            File.Delete(receivedPath);
            return;
        }

        if (!File.Exists(expectedPath))
        {
            File.WriteAllText(receivedPath, normalizedActual);
            Assert.Fail($"No golden file {expectedPath}. The output was written to {receivedPath}. " +
                $"Review it, then accept it with: {AcceptVariable}=1 dotnet test tests/VmState.Generators.Tests");
        }

        string expected = Normalize(File.ReadAllText(expectedPath));
        if (expected == normalizedActual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, normalizedActual);
        Assert.Fail(FirstDifference(expected, normalizedActual, expectedPath, receivedPath));
    }

    internal static string FirstDifference(string expected, string actual, string expectedPath, string receivedPath)
    {
        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }

        string Show(string[] lines) => line < lines.Length ? "'" + lines[line] + "'" : "<end of file>";
        return $"Generated text differs from {expectedPath} at line {line + 1}:{Environment.NewLine}" +
            $"  expected: {Show(e)}{Environment.NewLine}" +
            $"  actual:   {Show(a)}{Environment.NewLine}" +
            $"The full output is in {receivedPath}. If the change is intended, accept it with: " +
            $"{AcceptVariable}=1 dotnet test tests/VmState.Generators.Tests";
    }

    internal static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static string GoldenDirectory(string callerPath)
    {
        // Walk up from the calling test file to the project folder, which holds Golden/.
        for (string? dir = Path.GetDirectoryName(callerPath); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "VmState.Generators.Tests.csproj")))
            {
                return Path.Combine(dir, "Golden");
            }
        }

        throw new InvalidOperationException($"No VmState.Generators.Tests.csproj above {callerPath}");
    }
}
