using System.Diagnostics;
using System.Text;
using SampleMachine.Machine;

namespace SampleMachine.Tests;

/// <summary><c>check OLD NEW</c> end to end, as a separate process: stdout, stderr and exit code.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public void Check_prints_what_qemus_script_printed_and_exits_with_its_error_count()
    {
        string expected = File.ReadAllText(CheckerData("expected-dump1-to-dump2.txt"));

        (int rc, string output, string errors) = RunCheck(CheckerData("dump1.json"), CheckerData("dump2.json"));

        Assert.Equal(expected, $"exit code: {rc}\n{output}");
        Assert.Equal(13, rc);
        Assert.Equal("", errors);
    }

    [Fact]
    public void Check_of_a_file_that_is_not_a_dump_prints_one_error_line_and_fails()
    {
        string bad = Path.Combine(Path.GetTempPath(), "vmstate-check-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(bad, "{\"x\": {\"version_id\": 1, \"Description\": {\"version_id\": 1}}}");
        try
        {
            (int rc, string output, string errors) = RunCheck(bad, bad);

            Assert.Equal("", output);
            string[] lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal($"error: {bad}: $.x.Description: \"name\" missing", Assert.Single(lines));
            Assert.Equal(3, rc);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    private static string CheckerData(string name) =>
        Path.Combine(Path.GetDirectoryName(Fixtures.Path_("pc.vmstate.json"))!, "..", "qemu-checker-data", name);

    private static (int ExitCode, string Output, string Errors) RunCheck(string oldFile, string newFile)
    {
        string dll = typeof(VirtualMachine).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "check", oldFile, newFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using Process p = Process.Start(start)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("check did not finish");
        }

        return (p.ExitCode, output.Result, errors.Result);
    }
}
