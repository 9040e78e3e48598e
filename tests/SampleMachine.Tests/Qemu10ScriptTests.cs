using System.Diagnostics;
using SampleMachine.Cli;
using SampleMachine.Machine;

namespace SampleMachine.Tests;

/// <summary>
/// <c>analyze</c> on QEMU 10.0's streams prints what QEMU 10.0's analyze-migration.py prints, and on the same streams
/// with <c>--as-qemu 7.2</c> what QEMU 7.2's prints (the two build different trees from struct arrays).
/// </summary>
public sealed class Qemu10ScriptTests
{
    public static TheoryData<string, string> Streams() => new()
    {
        { "pc-16m.migration", "state" },
        { "pc-16m.migration", "desc" },
        { "pc-i440fx-7.2-16m.migration", "state" },
        { "pc-i440fx-7.2-16m.migration", "desc" },
        { "q35-16m.migration", "state" },
        { "q35-16m.migration", "desc" },
    };

    [Fact]
    public void Analyze_of_qemu_10s_pc_stream_prints_what_qemu_10s_script_printed_for_it()
    {
        // Recorded by make-fixtures.sh: runs where QEMU 10's script cannot be had.
        string recorded = File.ReadAllText(Fixtures.Qemu10Path("pc-16m.analyze-state.json"));

        Assert.Equal(recorded, Analyze(Fixtures.Qemu10Path("pc-16m.migration"), "state"));
        Assert.Contains("\"bmdma\": [", recorded, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pc-16m.migration")]
    [InlineData("q35-16m.migration")]
    public void The_two_releases_rules_differ_on_a_qemu_10_stream(string stream)
    {
        string file = Fixtures.Qemu10Path(stream);

        Assert.NotEqual(Analyze(file, "state"), Analyze(file, "state", "7.2"));
        Assert.Equal(Analyze(file, "state"), Analyze(file, "state", "10.0"));
    }

    [Qemu10ScriptTheory]
    [MemberData(nameof(Streams))]
    public void Analyze_of_a_qemu_10_stream_equals_qemu_10s_script(string stream, string dump)
    {
        string file = Fixtures.Qemu10Path(stream);

        (int rc, string qemu, string errors) = Python(Qemu10Environment.ScriptsPath, file, dump);

        Assert.True(rc == 0, errors);
        Assert.Equal(qemu, Analyze(file, dump));
    }

    [QemuScriptFact]
    public void Analyze_as_qemu_7_2_equals_qemu_7_2s_script_on_a_qemu_10_stream()
    {
        // 7.2's script reads QEMU 10's pc-i440fx-7.2 stream (not a pc-i440fx-10.0 one: SWITCHOVER_START stops it).
        string file = Fixtures.Qemu10Path("pc-i440fx-7.2-16m.migration");

        (int rc, string qemu, string errors) = Python(QemuEnvironment.ScriptsPath, file, "state");

        Assert.True(rc == 0, errors);
        Assert.Equal(qemu, Analyze(file, "state", "7.2"));
    }

    [Qemu10ScriptFact]
    public void Qemu_10s_script_reads_our_snapshot_as_we_print_it_with_its_rules()
    {
        string dir = Directory.CreateTempSubdirectory("vmstate-q10-script-").FullName;
        try
        {
            string file = Path.Combine(dir, "snapshot.mig");
            using (var machine = new VirtualMachine(8L << 20))
            {
                machine.FillRandom(seed: 7, fraction: 0.25);
                machine.SaveSnapshot(file);
            }

            (int rc, string qemu, string errors) = Python(Qemu10Environment.ScriptsPath, file, "state");

            Assert.True(rc == 0, errors);
            Assert.Equal(qemu, Analyze(file, "state", "10.0"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Analyze(string file, string dump, string release = "auto")
    {
        var output = new StringWriter { NewLine = "\n" };
        AnalyzeCliCommand.Run(file, dump, null, output, rules: AnalyzeCliCommand.Rules(release));
        return output.ToString();
    }

    private static (int ExitCode, string Output, string Errors) Python(string scripts, string file, string dump)
    {
        var start = new ProcessStartInfo("python3", [Path.Combine(scripts, "analyze-migration.py"), "-f", file, "-d", dump])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(start)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("analyze-migration.py did not finish");
        }

        return (p.ExitCode, output.Result, errors.Result);
    }
}
