using System.Runtime.CompilerServices;

namespace VmState.CodeFixes.Tests.TestSupport;

/// <summary>The repository these tests were compiled from, found above this source file.</summary>
internal static class Repository
{
    public static string RootPath { get; } = Find();

    public static string PathOf(string relative) => Path.Combine(RootPath, relative);

    private static string Find([CallerFilePath] string callerPath = "")
    {
        for (string? dir = Path.GetDirectoryName(callerPath); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "VmState.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("No VmState.sln above " + callerPath);
    }
}
