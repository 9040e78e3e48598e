using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using VmState.Generators;
using VmState.CodeFixes.Tests.TestSupport;

namespace VmState.CodeFixes.Tests;

/// <summary>VMS0101–VMS0106, VMS0108–VMS0110: the type's current entry replaces its shipped one in the newest baseline.</summary>
public sealed class AcceptIntoBaselineCodeFixTests
{
    private const string Machine = "  \"vmschkmachine\": {\n    \"Name\": \"test-machine\"\n  }";

    // An entry as the build's update writes it: fields are (name, size, since).
    private static string Entry(string name, int version, int minimum, params (string Name, int Size, int Since)[] fields) =>
        $"  \"{name}\": {{\n    \"Name\": \"{name}\",\n    \"version_id\": {version},\n    \"minimum_version_id\": {minimum},\n"
        + $"    \"Description\": {{\n      \"name\": \"{name}\",\n      \"version_id\": {version},\n      \"minimum_version_id\": {minimum},\n      \"Fields\": [\n"
        + string.Join(",\n", fields.Select(f =>
            $"        {{\n          \"field\": \"{f.Name}\",\n          \"version_id\": {f.Since},\n          \"field_exists\": false,\n          \"size\": {f.Size}\n        }}"))
        + "\n      ]\n    }\n  }";

    private static string File(params string[] entries) => "{\n" + string.Join(",\n", entries) + "\n}\n";

    [Fact]
    public async Task Rewrites_the_types_entry_and_leaves_the_code_alone()
    {
        const string source = """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public uint {|VMS0104:B|};
                [VmStateField(Since = 2)] public byte C;
            }
            """;
        var test = FixTest.Create<AcceptIntoBaselineCodeFix>(source, source.Replace("{|VMS0104:B|}", "B", StringComparison.Ordinal), BaselineJson.DevV2());
        test.FixedState.AdditionalFiles.Add(("/0/dev-2.json", """
            {
              "vmschkmachine": {
                "Name": "test-machine"
              },
              "dev": {
                "Name": "dev",
                "version_id": 2,
                "minimum_version_id": 1,
                "Description": {
                  "name": "dev",
                  "version_id": 2,
                  "minimum_version_id": 1,
                  "Fields": [
                    {
                      "field": "A",
                      "version_id": 0,
                      "field_exists": false,
                      "size": 4
                    },
                    {
                      "field": "B",
                      "version_id": 0,
                      "field_exists": false,
                      "size": 4
                    },
                    {
                      "field": "C",
                      "version_id": 2,
                      "field_exists": false,
                      "size": 1
                    }
                  ]
                }
              }
            }

            """.Replace("\r\n", "\n", StringComparison.Ordinal)));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_accepts_every_diagnosed_type_once_and_keeps_the_other_entries()
    {
        string shipped = BaselineJson.File(
            BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2), BaselineJson.Field("C", 1, version: 2)]),
            BaselineJson.Section("old", 1, 1, [BaselineJson.Field("Z", 8)]),
            BaselineJson.Section("timer", 1, 1, [BaselineJson.Field("T", 4)]));
        const string source = """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int {|VMS0108:Alpha|};
                [VmStateField] public uint {|VMS0104:B|};
                [VmStateField(Since = 2)] public byte C;
            }

            [VmState("timer", Version = 1)]
            public partial class Timer
            {
                [VmStateField] public long {|VMS0104:T|};
            }
            """;
        var test = FixTest.Create<AcceptIntoBaselineCodeFix>(source, source
            .Replace("{|VMS0108:Alpha|}", "Alpha", StringComparison.Ordinal)
            .Replace("{|VMS0104:B|}", "B", StringComparison.Ordinal)
            .Replace("{|VMS0104:T|}", "T", StringComparison.Ordinal), ("dev-2.json", shipped));
        test.FixedState.AdditionalFiles.Add(("/0/dev-2.json", File(
            Machine,
            Entry("dev", 2, 1, ("Alpha", 4, 0), ("B", 4, 0), ("C", 1, 2)),
            "  \"old\": {\n    \"Name\": \"old\",\n    \"version_id\": 1,\n    \"minimum_version_id\": 1,\n    \"Description\": {\n      \"name\": \"old\",\n"
            + "      \"version_id\": 1,\n      \"minimum_version_id\": 1,\n      \"Fields\": [\n        {\n          \"field\": \"Z\",\n          \"version_id\": 0,\n"
            + "          \"field_exists\": false,\n          \"size\": 8\n        }\n      ]\n    }\n  }",
            Entry("timer", 1, 1, ("T", 8, 0)))));
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public async Task Writes_only_the_newest_baseline_so_an_older_one_still_reports_and_is_not_offered()
    {
        // Both releases shipped B as two bytes; making it four breaks both, and only dev-2.json (listed last) is written.
        var older = ("dev-1.json", BaselineJson.File(BaselineJson.Section("dev", 1, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2)])));
        const string source = """
            [VmState("dev", Version = 2)]
            public partial class Dev
            {
                [VmStateField] public int A;
                [VmStateField] public uint B;
                [VmStateField(Since = 2)] public byte C;
            }
            """;
        var test = FixTest.Create<AcceptIntoBaselineCodeFix>(source, source, older, BaselineJson.DevV2());
        DiagnosticResult AtB(string file) =>
            new DiagnosticResult(DiagnosticDescriptors.FieldSizeChanged).WithSpan(7, 32, 7, 33).WithArguments("B", "dev", "size", "4", "2", file);
        test.TestState.ExpectedDiagnostics.AddRange([AtB("dev-1.json"), AtB("dev-2.json")]);
        test.FixedState.ExpectedDiagnostics.Add(AtB("dev-1.json"));
        test.FixedState.AdditionalFiles.Add(("/0/" + older.Item1, older.Item2));
        test.FixedState.AdditionalFiles.Add(("/0/dev-2.json", File(Machine, Entry("dev", 2, 1, ("A", 4, 0), ("B", 4, 0), ("C", 1, 2)))));
        test.NumberOfIncrementalIterations = 1;
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public async Task Is_not_offered_for_a_nested_struct_without_a_section_of_its_own()
    {
        // The file lists the struct's description under another key (as QEMU lists a device by its type): shipped
        // entries are met by dump key, as QEMU's checker pairs sections, so the struct has no entry of its own to
        // break or to accept into (its fields are checked where a section nests it).
        var shipped = ("dev-1.json", BaselineJson.File(
            "\"inner-device\": { \"Name\": \"inner-device\", \"version_id\": 1, \"minimum_version_id\": 1, \"Description\": "
            + BaselineJson.Description("inner", 1, 1, [BaselineJson.Field("X", 2)]) + " }"));
        const string source = """
            [VmState("inner", Version = 1)]
            public partial struct Inner
            {
                [VmStateField] public uint X;
            }

            [VmState("dev", Version = 1)]
            public partial class Dev
            {
                [VmStateField] public Inner In;
            }
            """;
        await FixTest.Create<AcceptIntoBaselineCodeFix>(source, source, shipped).RunAsync();
    }

    [Fact]
    public void The_newest_baseline_is_the_last_marked_additional_file_and_there_is_none_without_one()
    {
        using var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("p", LanguageNames.CSharp);
        Assert.Null(NewestBaseline.Of(project));

        project = project.AddAdditionalDocument("a.json", SourceText.From("{}"), filePath: "/0/a.json").Project;
        Assert.Null(NewestBaseline.Of(project));

        project = project
            .AddAdditionalDocument("b.json", SourceText.From("{}"), filePath: "/0/b.json").Project
            .AddAdditionalDocument("c.txt", SourceText.From("{}"), filePath: "/0/c.txt").Project
            .AddAnalyzerConfigDocument(".editorconfig", SourceText.From("root = true\n\n[*.json]\nbuild_metadata.AdditionalFiles.VmStateBaseline = true\n"), filePath: "/.editorconfig").Project;
        Assert.Equal("b.json", NewestBaseline.Of(project)?.FileName);
    }
}
