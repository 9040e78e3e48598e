using SampleMachine.Cli;

namespace SampleMachine.Tests;

/// <summary><c>analyze FILE --frames [--desc FILE] [--return-path FILE]</c> on QEMU 7.2's recorded postcopy migration.</summary>
public sealed class AnalyzeFramesCliTests
{
    [Fact]
    public void The_postcopy_recording_lists_its_frames_the_package_indented_and_the_return_path()
    {
        var output = new StringWriter();

        int rc = AnalyzeCliCommand.ListFrames(
            Fixtures.Path_("postcopy/postcopy.migration"),
            Fixtures.Path_("postcopy/precopy.migration"),
            Fixtures.Path_("postcopy/postcopy.return-path"),
            output);

        Assert.Equal(0, rc);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("  1176126  COMMAND PACKAGED (cmd 7, len 4) blob of 12907 bytes follows", lines);
        Assert.Contains("  1176140      SECTION_FULL id=0 'timer' instance=0 version=2 body=24 bytes", lines);
        Assert.Contains("  1189037      COMMAND POSTCOPY_RUN (cmd 5, len 0)", lines);
        Assert.Contains("  1189042  COMMAND PING (cmd 2, len 4) value=4", lines);
        Assert.Contains("       32  REQ_PAGES_ID (type 3, len 19) start=0x99e000 length=4096 ramblock='pc.ram'", lines);
        Assert.Equal("      215  SHUT (type 1, len 4) value=0", lines[^1]);
    }
}
