namespace SampleMachine.Tests;

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

        throw new DirectoryNotFoundException("VmState.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RootPath => Root.Value;

    public static string PathOf(string relative) => Path.Combine(Root.Value, relative);
}
