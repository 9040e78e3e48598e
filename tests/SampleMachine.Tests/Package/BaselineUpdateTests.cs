namespace SampleMachine.Tests.Package;

/// <summary>
/// The release step in a project outside the repository: <c>dotnet build -p:VmStateUpdateBaseline=true</c> writes the
/// baseline the package's analyzers then check every plain build against.
/// </summary>
[Collection(PackageTestGroup.Name)]
public sealed class BaselineUpdateTests(PackedVmState package)
{
    // The program prints the runtime's own -dump-vmstate of the device, under the machine name a new file gets (the
    // project's assembly name), to compare with what the build wrote.
    private const string Program = """
        using VmState.Description;

        Console.Write(VmState.Schema.DumpVmStateWriter.Write("Consumer", [MyDev.VmStateDescription]));

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

    // A release later: a field in a new subsection, the safe way to add one.
    private static readonly string Evolved = Program
        .Replace("[Subsection(\"mydev/extra\")]", "[Subsection(\"mydev/extra\")]\n[Subsection(\"mydev/more\")]", StringComparison.Ordinal)
        .Replace("    [Needed(\"mydev/extra\")]", "    [VmStateField(\"y\", Subsection = \"mydev/more\")] public int Y;\n    [Needed(\"mydev/more\")] private bool MoreNeeded() => Y != 0;\n    [Needed(\"mydev/extra\")]", StringComparison.Ordinal);

    [Fact]
    public void The_update_writes_the_runtime_dump_changes_nothing_when_run_again_and_the_next_build_checks_against_it()
    {
        package.WithConsumer("update", Program, "<VmStateBaseline Include=\"vmstate/shipped.json\" />", dir =>
        {
            string file = Path.Combine(dir, "vmstate", "shipped.json");
            string programFile = Path.Combine(dir, "Program.cs");

            // The first release: the listed file does not exist yet, and the update makes it.
            (int exit, string output) = package.Dotnet(dir, "build", "-p:VmStateUpdateBaseline=true");
            Assert.True(exit == 0, output);
            Assert.Contains("VmState: wrote 1 descriptions to " + file, output, StringComparison.Ordinal);
            string first = File.ReadAllText(file);

            // The next release: the older baseline is rewritten, and holds what the runtime's writer gives.
            File.WriteAllText(programFile, Evolved);
            (exit, output) = package.Dotnet(dir, "build", "-p:VmStateUpdateBaseline=true");
            Assert.True(exit == 0, output);
            Assert.Contains("VmState: wrote 1 descriptions to " + file, output, StringComparison.Ordinal);
            string written = File.ReadAllText(file);
            Assert.NotEqual(first, written);
            Assert.Contains("\"name\": \"mydev/more\"", written, StringComparison.Ordinal);
            (exit, string dump) = package.Dotnet(dir, "run", "--no-build");
            Assert.True(exit == 0, dump);
            Assert.Equal(dump, written);

            // Deterministic: a second update leaves the file as it is.
            (exit, output) = package.Dotnet(dir, "build", "-p:VmStateUpdateBaseline=true");
            Assert.True(exit == 0, output);
            Assert.Contains("VmState: " + file + " is up to date (1 descriptions)", output, StringComparison.Ordinal);
            Assert.Equal(written, File.ReadAllText(file));

            // The analyzers read the written baseline: a retyped field now fails a plain build.
            File.WriteAllText(programFile, Evolved.Replace("public uint A;", "public ushort A;", StringComparison.Ordinal));
            (exit, output) = package.Dotnet(dir, "build");
            Assert.NotEqual(0, exit);
            string[] errors = [.. output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct()];
            Assert.True(errors.Length == 1 && errors[0].Contains("error VMS0104", StringComparison.Ordinal), string.Join("\n", errors) + "\n" + output);
            Assert.Contains("Field 'a' of 'mydev'", errors[0], StringComparison.Ordinal);
        });
    }
}
