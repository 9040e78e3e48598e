using System.Text.RegularExpressions;

namespace VmState.Runtime.Tests.Architecture;

/// <summary>
/// docs/design.md's "to change …, open …" table must stay true: every file or folder it names exists. A path is
/// taken from the repository root, or from the project folder it is written relative to (src/VmState.Runtime,
/// src/VmState.Generators); <c>*</c> is a wildcard.
/// </summary>
public sealed partial class DesignMapTests
{
    private static readonly string[] Bases = ["", "src/VmState.Runtime", "src/VmState.Generators", "src/SampleMachine"];

    [Fact]
    public void Every_path_in_the_change_map_exists()
    {
        string root = Repository.RootPath;
        List<string> paths = MapPaths(File.ReadAllText(Path.Combine(root, "docs", "design.md")));
        Assert.True(paths.Count >= 20, "the map names only " + paths.Count + " paths");
        List<string> missing = [.. paths.Where(p => !Exists(root, p))];
        Assert.True(missing.Count == 0, "docs/design.md names paths that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_wrong_path_is_noticed()
    {
        string root = Repository.RootPath;
        Assert.True(Exists(root, "Wire/Qemu*.cs"));
        Assert.True(Exists(root, "src/VmState.Runtime/Codecs/"));
        Assert.False(Exists(root, "Wire/NoSuchFile.cs"));
        Assert.False(Exists(root, "src/VmState.Runtime/NoSuchFolder/"));
    }

    // The backticked file and folder names in the rows of the table that follows "| to change".
    private static List<string> MapPaths(string design)
    {
        int start = design.IndexOf("| to change", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/design.md has no 'to change … open …' table");
        IEnumerable<string> rows = design[start..].Split('\n').TakeWhile(l => l.StartsWith('|')).Skip(2);
        var paths = new List<string>();
        foreach (string row in rows)
        {
            string open = row.Split('|', StringSplitOptions.RemoveEmptyEntries)[^1];
            foreach (Match m in Backticked().Matches(open))
            {
                string token = m.Groups[1].Value;
                if (token.EndsWith(".cs", StringComparison.Ordinal) || token.EndsWith(".md", StringComparison.Ordinal) || token.EndsWith('/'))
                {
                    paths.Add(token);
                }
            }
        }

        return paths;
    }

    private static bool Exists(string root, string path) => Bases.Any(b =>
    {
        string full = Path.Combine(root, b, path);
        if (path.EndsWith('/'))
        {
            return Directory.Exists(full);
        }

        string dir = Path.GetDirectoryName(full)!;
        return Directory.Exists(dir) && Directory.GetFiles(dir, Path.GetFileName(full)).Length > 0;
    });


    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
