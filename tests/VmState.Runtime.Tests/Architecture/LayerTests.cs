using System.Text;
using System.Text.RegularExpressions;

namespace VmState.Runtime.Tests.Architecture;

/// <summary>
/// The runtime's folders are its namespaces and its layers, and a layer only uses the layers below it:
/// Wire &lt; Codecs &lt; Description &lt; Generated, Schema &lt; Migration &lt; Ram &lt; Analysis &lt; Compat. The check scans
/// src/VmState.Runtime/**/*.cs for <c>using VmState.*</c> and fully qualified <c>VmState.*</c> names in code
/// (comments, doc comments and string text are left out) and names every offending file and line.
/// </summary>
public sealed partial class LayerTests
{
    // Generated and Schema share a rank: both sit on Description, and neither may use the other.
    private static readonly Dictionary<string, int> Ranks = new(StringComparer.Ordinal)
    {
        ["Wire"] = 0,
        ["Codecs"] = 1,
        ["Description"] = 2,
        ["Generated"] = 3,
        ["Schema"] = 3,
        ["Migration"] = 4,
        ["Ram"] = 5,
        ["Analysis"] = 6,
        ["Compat"] = 7,
    };

    [Fact]
    public void Every_runtime_layer_uses_only_the_layers_below_it()
    {
        List<(string Path, string Source)> files = RuntimeSources();
        Assert.NotEmpty(files);
        List<string> violations = LayerViolations(files);
        Assert.True(violations.Count == 0, "Layer violations:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_runtime_file_declares_the_namespace_of_its_folder()
    {
        var wrong = new List<string>();
        foreach ((string path, string source) in RuntimeSources())
        {
            string folder = path.Split('/')[2];
            string? ns = DeclaredNamespace(source);
            if (!Ranks.ContainsKey(folder) || ns != "VmState." + folder)
            {
                wrong.Add($"{path}: namespace {ns ?? "(none)"} in folder {folder}");
            }
        }

        Assert.True(wrong.Count == 0, "Folder is not namespace is not layer:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void The_check_names_the_file_and_line_that_uses_a_higher_layer()
    {
        List<string> violations = LayerViolations(
        [
            ("src/VmState.Runtime/Migration/Good.cs", "using VmState.Wire;\nusing VmState.Description;\n\nnamespace VmState.Migration;\n"),
            ("src/VmState.Runtime/Migration/Bad.cs", "using VmState.Wire;\nusing VmState.Ram;\n\nnamespace VmState.Migration;\n"),
            ("src/VmState.Runtime/Wire/Qualified.cs", "namespace VmState.Wire;\n\nclass C\n{\n    int X => VmState.Codecs.Codec.Size;\n}\n"),
            ("src/VmState.Runtime/Schema/Sibling.cs", "using static VmState.Generated.GeneratedThrow;\n\nnamespace VmState.Schema;\n"),
            ("src/VmState.Runtime/Ram/Global.cs", "namespace VmState.Ram;\n\nclass D : global::VmState.Analysis.AnalysisNode\n{\n}\n"),
        ]);

        string[] expected =
        [
            "src/VmState.Runtime/Migration/Bad.cs:2: Migration uses VmState.Ram, which is not below it",
            "src/VmState.Runtime/Wire/Qualified.cs:5: Wire uses VmState.Codecs, which is not below it",
            "src/VmState.Runtime/Schema/Sibling.cs:1: Schema uses VmState.Generated, which is not below it",
            "src/VmState.Runtime/Ram/Global.cs:3: Ram uses VmState.Analysis, which is not below it",
        ];
        Assert.Equal(expected, violations);
    }

    [Fact]
    public void The_check_ignores_comments_and_text_but_not_interpolated_code()
    {
        const string source = """
            using VmState.Wire;

            namespace VmState.Codecs;

            /// <summary>See <see cref="VmState.Migration.MigrationLoader"/>.</summary>
            class C
            {
                // VmState.Analysis would be wrong here, but this is a comment.
                /* VmState.Ram in a block comment */
                string A => "VmState.Ram.RamSection";
                string B => @"VmState.Ram ""quoted"" VmState.Schema";
                char Q => '"';
                string D => $"{{VmState.Ram}} {VmState.Description.VmStateSerializer.Name} VmState.Schema";
            }
            """;
        List<string> violations = LayerViolations([("src/VmState.Runtime/Codecs/C.cs", source)]);
        Assert.Equal("src/VmState.Runtime/Codecs/C.cs:13: Codecs uses VmState.Description, which is not below it", Assert.Single(violations));
    }

    /// <summary>Every reference to a layer that is not below the file's own, as <c>path:line: message</c>.</summary>
    private static List<string> LayerViolations(IEnumerable<(string Path, string Source)> files)
    {
        var violations = new List<string>();
        foreach ((string path, string source) in files)
        {
            string folder = path.Split('/')[2];
            if (!Ranks.TryGetValue(folder, out int rank))
            {
                violations.Add($"{path}:1: folder {folder} is not a layer");
                continue;
            }

            string code = CodeOnly(source);
            foreach (Match m in QualifiedName().Matches(code))
            {
                string target = m.Groups["layer"].Value;
                int line = 1 + code.AsSpan(0, m.Index).Count('\n');
                if (IsNamespaceDeclaration(code, m.Index))
                {
                    continue;
                }

                if (!Ranks.TryGetValue(target, out int targetRank))
                {
                    violations.Add($"{path}:{line}: {folder} uses VmState.{target}, which is not a layer");
                }
                else if (target != folder && targetRank >= rank)
                {
                    violations.Add($"{path}:{line}: {folder} uses VmState.{target}, which is not below it");
                }
            }
        }

        return violations;
    }

    private static bool IsNamespaceDeclaration(string code, int index)
    {
        int lineStart = code.LastIndexOf('\n', Math.Max(index - 1, 0)) + 1;
        return code.AsSpan(lineStart, index - lineStart).Trim().SequenceEqual("namespace");
    }

    private static string? DeclaredNamespace(string source)
    {
        Match m = NamespaceDeclaration().Match(CodeOnly(source));
        return m.Success ? m.Groups["name"].Value : null;
    }

    /// <summary>
    /// The source with comments and the text of string and char literals blanked out (newlines kept, so line numbers
    /// hold); the holes of interpolated strings stay code.
    /// </summary>
    private static string CodeOnly(string source)
    {
        var sb = new StringBuilder(source.Length);
        int i = 0;
        Code(source, ref i, sb, stopAtBrace: false);
        return sb.ToString();
    }

    private static void Code(string s, ref int i, StringBuilder sb, bool stopAtBrace)
    {
        int depth = 0;
        while (i < s.Length)
        {
            char c = s[i];
            char next = i + 1 < s.Length ? s[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                while (i < s.Length && s[i] != '\n')
                {
                    Blank(s, ref i, sb);
                }
            }
            else if (c == '/' && next == '*')
            {
                while (i < s.Length && !(s[i] == '*' && i + 1 < s.Length && s[i + 1] == '/'))
                {
                    Blank(s, ref i, sb);
                }

                Blank(s, ref i, sb);
                Blank(s, ref i, sb);
            }
            else if (c == '\'')
            {
                Blank(s, ref i, sb);
                while (i < s.Length && s[i] != '\'')
                {
                    if (s[i] == '\\')
                    {
                        Blank(s, ref i, sb);
                    }

                    Blank(s, ref i, sb);
                }

                Blank(s, ref i, sb);
            }
            else if (c is '"' or '$' or '@' && StringStart(s, i) is (int quote, bool interpolated, bool verbatim))
            {
                while (i <= quote)
                {
                    Blank(s, ref i, sb);
                }

                Literal(s, ref i, sb, interpolated, verbatim);
            }
            else if (stopAtBrace && c == '{')
            {
                depth++;
                sb.Append(c);
                i++;
            }
            else if (stopAtBrace && c == '}')
            {
                if (depth == 0)
                {
                    return;
                }

                depth--;
                sb.Append(c);
                i++;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
    }

    // The index of the opening quote of a string literal starting at i ("...", @"...", $"...", $@"...", @$"..."), if any.
    private static (int Quote, bool Interpolated, bool Verbatim)? StringStart(string s, int i)
    {
        int j = i;
        bool interpolated = false;
        bool verbatim = false;
        while (j < s.Length && s[j] is '$' or '@')
        {
            interpolated |= s[j] == '$';
            verbatim |= s[j] == '@';
            j++;
        }

        if (j >= s.Length || s[j] != '"' || (j > i && i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] == '_')))
        {
            return null;
        }

        return (j, interpolated, verbatim);
    }

    private static void Literal(string s, ref int i, StringBuilder sb, bool interpolated, bool verbatim)
    {
        while (i < s.Length)
        {
            char c = s[i];
            char next = i + 1 < s.Length ? s[i + 1] : '\0';
            if (!verbatim && c == '\\')
            {
                Blank(s, ref i, sb);
                Blank(s, ref i, sb);
            }
            else if (verbatim && c == '"' && next == '"')
            {
                Blank(s, ref i, sb);
                Blank(s, ref i, sb);
            }
            else if (c == '"')
            {
                Blank(s, ref i, sb);
                return;
            }
            else if (interpolated && c == '{' && next == '{')
            {
                Blank(s, ref i, sb);
                Blank(s, ref i, sb);
            }
            else if (interpolated && c == '{')
            {
                sb.Append(c);
                i++;
                Code(s, ref i, sb, stopAtBrace: true);
                if (i < s.Length)
                {
                    sb.Append(s[i]);
                    i++;
                }
            }
            else
            {
                Blank(s, ref i, sb);
            }
        }
    }

    private static void Blank(string s, ref int i, StringBuilder sb)
    {
        if (i < s.Length)
        {
            sb.Append(s[i] == '\n' ? '\n' : ' ');
            i++;
        }
    }

    private static List<(string Path, string Source)> RuntimeSources()
    {
        string root = Repository.RootPath;
        string runtime = Path.Combine(root, "src", "VmState.Runtime");
        return Directory.EnumerateFiles(runtime, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllText(Path.Combine(root, p)).Replace("\r\n", "\n", StringComparison.Ordinal)))
            .ToList();
    }


    [GeneratedRegex(@"(?<![\w.])(?:global::)?VmState\s*\.\s*(?<layer>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^\s*namespace\s+(?<name>[A-Za-z0-9_.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
