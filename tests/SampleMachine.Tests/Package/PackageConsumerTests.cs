using System.Diagnostics;
using System.Text;

namespace SampleMachine.Tests.Package;

/// <summary>
/// The first hour of a user outside this repository: <c>dotnet pack</c> makes the one <c>VmState</c> package, and a
/// project that references only that package, from a local folder feed, gets the generator with it.
/// </summary>
[Collection(PackageTestGroup.Name)]
public sealed class PackageConsumerTests(PackedVmState package)
{
    private const string Device = """
        [VmState("mydev", Version = 2)]
        [Subsection("mydev/extra")]
        public partial class MyDev
        {
            [VmStateField("a")] public uint A;
            [VmStateField("arr", Length = 3)] public ushort[] Arr = new ushort[3];
            [VmStateField("b", Since = 2)] public bool B;
            [VmStateField("x", Subsection = "mydev/extra")] public ulong X;

            [Needed("mydev/extra")] private bool ExtraNeeded() => X != 0;
        }
        """;

    [Fact]
    public void The_package_holds_the_runtime_the_generator_and_the_code_fixes()
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package.Nupkg);
        string[] entries = [.. zip.Entries.Select(e => e.FullName)];
        Assert.Contains("lib/net10.0/VmState.Runtime.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/VmState.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/VmState.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("build/VmState.targets", entries);
        Assert.Contains("buildTransitive/VmState.targets", entries);
        // The baseline update's inline task compiles from source beside the targets.
        Assert.Contains("build/VmStateBaseline.cs", entries);
        Assert.Contains("buildTransitive/VmStateBaseline.cs", entries);
        // The generator is inside, not a dependency: the package stands alone.
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string text = nuspec.ReadToEnd();
        Assert.DoesNotContain("<dependency ", text, StringComparison.Ordinal);
        Assert.Contains("<readme>README.md</readme>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_in_a_consumer_project_compiles_and_round_trips()
    {
        const string program = """
            using VmState.Description;

            var dev = new MyDev { A = 0xdeadbeef, Arr = [1, 2, 3], B = true, X = 7 };
            byte[] bytes = VmStateSerializer.Save(dev);
            var back = new MyDev();
            VmStateSerializer.Load(back, bytes);
            Console.WriteLine(Convert.ToHexString(bytes));
            Console.WriteLine($"{back.A:x} {string.Join(",", back.Arr)} {back.B} {back.X}");
            Console.WriteLine(VmStateSerializer.Describe(back));
            """;

        (int exit, string output) = package.BuildConsumer("roundtrip", program + "\n\n" + Device, run: true);

        Assert.True(exit == 0, output);
        // The code-fix assembly beside the generator references Workspaces, which the compiler lacks: it must load quietly.
        Assert.DoesNotContain("CS8032", output, StringComparison.Ordinal);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // a, arr[3], b, then the subsection: marker, counted name, be32 version, x.
        Assert.Contains("DEADBEEF00010002000301" + "050B" + Convert.ToHexString(Encoding.ASCII.GetBytes("mydev/extra")) + "00000001" + "0000000000000007", lines);
        Assert.Contains("deadbeef 1,2,3 True 7", lines);
        Assert.Contains(lines, l => l.StartsWith("{\"vmsd_name\": \"mydev\", \"version\": 2,", StringComparison.Ordinal));
    }

    [Fact]
    public void A_baseline_item_reaches_the_analyzers_as_a_marked_additional_file()
    {
        (int exit, string output) = package.QueryConsumer("baseline", "<VmStateBaseline Include=\"vmstate/shipped.json\" />", "AdditionalFiles");

        Assert.True(exit == 0, output);
        using var json = System.Text.Json.JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        var item = Assert.Single(json.RootElement.GetProperty("Items").GetProperty("AdditionalFiles").EnumerateArray());
        Assert.EndsWith("shipped.json", item.GetProperty("FullPath").GetString(), StringComparison.Ordinal);
        Assert.Equal("true", item.GetProperty("VmStateBaseline").GetString());
    }

    // What the device above shipped as: the consumer's baseline.
    private const string Shipped = """
        {
          "vmschkmachine": { "Name": "consumer" },
          "mydev": {
            "Name": "mydev", "version_id": 2, "minimum_version_id": 1,
            "Description": {
              "name": "mydev", "version_id": 2, "minimum_version_id": 1,
              "Fields": [
                { "field": "a", "version_id": 0, "field_exists": false, "size": 4 },
                { "field": "arr", "version_id": 0, "field_exists": false, "num": 3, "size": 2 },
                { "field": "b", "version_id": 2, "field_exists": false, "size": 1 }
              ],
              "Subsections": [
                { "name": "mydev/extra", "version_id": 1, "minimum_version_id": 1,
                  "Fields": [ { "field": "x", "version_id": 0, "field_exists": false, "size": 8 } ] }
              ]
            }
          }
        }
        """;

    [Theory]
    [InlineData("unchanged", "", "")]
    [InlineData("new-subsection", "[Subsection(\"mydev/more\")]", "[VmStateField(\"y\", Subsection = \"mydev/more\")] public int Y; [Needed(\"mydev/more\")] private bool MoreNeeded() => Y != 0;")]
    public void A_safe_evolution_of_a_shipped_device_builds(string name, string attribute, string members)
    {
        string device = Device.Replace("[Subsection(\"mydev/extra\")]", "[Subsection(\"mydev/extra\")]\n" + attribute, StringComparison.Ordinal)
            .Replace("[Needed(\"mydev/extra\")]", members + "\n    [Needed(\"mydev/extra\")]", StringComparison.Ordinal);

        (int exit, string output) = package.BuildConsumer(name, "using VmState.Description;\n\n" + device, run: false, baseline: Shipped);

        // An Exe without statements has no entry point (CS5001); anything else would be the analyzers'.
        string[] errors = Errors(output);
        Assert.True(errors.All(e => e.Contains("error CS5001", StringComparison.Ordinal)), string.Join("\n", errors) + "\n" + output);
    }

    [Fact]
    public void A_wire_break_against_the_shipped_baseline_fails_the_build_with_its_id()
    {
        // 'a' shipped as a uint: as a ushort every later byte of every old stream would move.
        string device = Device.Replace("public uint A;", "public ushort A;", StringComparison.Ordinal);

        (int exit, string output) = package.BuildConsumer("wirebreak", "using VmState.Description;\n\n" + device, run: false, baseline: Shipped);

        Assert.NotEqual(0, exit);
        string[] errors = [.. Errors(output).Where(e => !e.Contains("error CS5001", StringComparison.Ordinal))];
        Assert.True(errors.Length == 1 && errors[0].Contains("error VMS0104", StringComparison.Ordinal), string.Join("\n", errors) + "\n" + output);
        Assert.Contains("Field 'a' of 'mydev'", errors[0], StringComparison.Ordinal);
    }

    private static string[] Errors(string output) =>
        [.. output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct()];

    [Fact]
    public void A_generator_error_fails_the_consumer_build_with_its_id()
    {
        // Not partial: the generator cannot add its members (VMS0001), and the build says so.
        (int exit, string output) = package.BuildConsumer("notpartial", "using VmState.Description;\n\n" + Device.Replace("public partial class", "public class", StringComparison.Ordinal), run: false);

        Assert.NotEqual(0, exit);
        Assert.True(output.Contains("error VMS0001", StringComparison.Ordinal), output);
        Assert.Contains("'MyDev' has [VmState] but is not partial", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_error_is_the_only_error_of_the_consumer_build()
    {
        // The code that uses the device still compiles against the type's stand-in members: no CS0311/CS0117 trail.
        const string program = """
            using VmState.Description;

            Console.WriteLine(VmStateSerializer.Save(new MyDev()).Length + " " + MyDev.VmStateDescription.Name);

            [VmState("mydev")]
            public partial class MyDev
            {
                [VmStateField("a")] public uint A;
                [VmStateField("bad")] public object Bad = new();
            }
            """;

        (int exit, string output) = package.BuildConsumer("fielderror", program, run: false);

        Assert.NotEqual(0, exit);
        string[] errors = [.. output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct()];
        Assert.True(errors.Length == 1 && errors[0].Contains("error VMS0002", StringComparison.Ordinal), string.Join("\n", errors) + "\n" + output);
    }
}

/// <summary>Packs the repository's runtime, generator and code fixes once for the tests that consume the package.</summary>
public sealed class PackedVmState : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly string _work = Directory.CreateTempSubdirectory("vmstate-pack-").FullName;

    public PackedVmState()
    {
        // A copy of the sources, so that this build shares no bin/obj with the solution's own.
        string root = Repository.RootPath;
        foreach (string project in new[] { "VmState.Runtime", "VmState.Generators", "VmState.CodeFixes" })
        {
            CopyTree(Path.Combine(root, "src", project), Path.Combine(_work, "src", project));
        }

        foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "nuget.config", ".editorconfig", "README.md" })
        {
            File.Copy(Path.Combine(root, file), Path.Combine(_work, file));
        }

        Feed = Path.Combine(_work, "feed");
        (int exit, string output) = Dotnet(_work, isolated: false, "pack", Path.Combine(_work, "src", "VmState.Runtime"), "-c", "Release", "-o", Feed);
        if (exit != 0)
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + output);
        }

        Nupkg = Directory.GetFiles(Feed, "VmState.*.nupkg").Single();
    }

    public string Feed { get; }

    public string Nupkg { get; }

    /// <summary>
    /// Builds (and with <paramref name="run"/>, runs) a console project outside the repository that references only the
    /// package, restored from the local feed into a package folder of its own.
    /// </summary>
    public (int Exit, string Output) BuildConsumer(string name, string program, bool run, string? baseline = null) =>
        InConsumer(name, program, baseline, dir => run ? Dotnet(dir, isolated: true, "run") : Dotnet(dir, isolated: true, "build"));

    /// <summary>Restores a consumer project with <paramref name="items"/> and prints MSBuild's items of <paramref name="itemType"/> as JSON.</summary>
    /// <summary>
    /// Writes a consumer as <see cref="BuildConsumer"/> does and hands its directory to <paramref name="steps"/>, which
    /// may run several commands there (<see cref="Dotnet(string, string[])"/>) before the directory is removed.
    /// </summary>
    public void WithConsumer(string name, string program, string items, Action<string> steps) =>
        InConsumer(name, program, null, dir =>
        {
            steps(dir);
            return 0;
        }, items);

    /// <summary>Runs <c>dotnet <paramref name="args"/></c> in a consumer's directory, as the consumer builds run.</summary>
    public (int Exit, string Output) Dotnet(string consumerDirectory, params string[] args) => Dotnet(consumerDirectory, isolated: true, args);

    public (int Exit, string Output) QueryConsumer(string name, string items, string itemType) =>
        InConsumer(name, "", null, dir =>
        {
            (int exit, string output) = Dotnet(dir, isolated: true, "restore");
            return exit != 0 ? (exit, output) : Dotnet(dir, isolated: true, "msbuild", "-getItem:" + itemType);
        }, items);

    // Writes the consumer into a directory of its own, runs the dotnet commands of the test in it, and removes it. Each
    // consumer restores into this fixture's package folder, so the VmState it gets is this feed's, not an older cached one.
    private T InConsumer<T>(string name, string program, string? baseline, Func<string, T> run, string items = "")
    {
        string dir = Directory.CreateTempSubdirectory("vmstate-consumer-" + name + "-").FullName;
        try
        {
            if (baseline is not null)
            {
                Directory.CreateDirectory(Path.Combine(dir, "vmstate"));
                File.WriteAllText(Path.Combine(dir, "vmstate", "shipped.json"), baseline);
                items += "<VmStateBaseline Include=\"vmstate/shipped.json\" />";
            }

            string version = Path.GetFileNameWithoutExtension(Nupkg)["VmState.".Length..];
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="VmState" Version="{version}" />
                    {items}
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
            File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{Feed}" />
                  </packageSources>
                </configuration>
                """);
            return run(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private (int Exit, string Output) Dotnet(string workingDirectory, bool isolated, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host runs under MSBuild's environment; a nested build must not inherit it.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("DOTNET_HOST_PATH", StringComparison.Ordinal) || k.StartsWith("VSTEST", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        if (isolated)
        {
            start.Environment["NUGET_PACKAGES"] = Path.Combine(_work, "packages");
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet " + string.Join(' ', args) + " did not finish in " + Limit);
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }


    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string sub in Directory.GetDirectories(from))
        {
            string leaf = Path.GetFileName(sub);
            if (leaf is not ("bin" or "obj"))
            {
                CopyTree(sub, Path.Combine(to, leaf));
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackageTestGroup : ICollectionFixture<PackedVmState>
{
    public const string Name = "packed VmState";
}
