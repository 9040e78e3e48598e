namespace VmState.Runtime.Tests.Architecture;

/// <summary>The repository the tests run from, found above the test assembly.</summary>
internal static class Repository
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VmState.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No VmState.sln above " + AppContext.BaseDirectory);
    });

    public static string RootPath => Root.Value;
}
