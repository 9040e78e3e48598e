namespace SampleMachine.Tests;

/// <summary>When the QEMU tests skip, run or fail, and which QEMU they accept.</summary>
public sealed class QemuEnvironmentTests
{
    private static readonly Requirement Missing = new(null, "qemu-system-x86_64 is not installed");
    private static readonly Requirement Met = new("/usr/bin/qemu-system-x86_64", null);

    [Fact]
    public void A_missing_tool_skips_outside_ci_and_runs_to_fail_under_ci()
    {
        Assert.Equal("qemu-system-x86_64 is not installed", QemuEnvironment.SkipReason(Missing, ci: false));
        Assert.Null(QemuEnvironment.SkipReason(Missing, ci: true));
        Assert.Null(QemuEnvironment.SkipReason(Met, ci: false));
        Assert.Null(QemuEnvironment.SkipReason(Met, ci: true));

        // A test that runs without the tool fails at its first use of it, with the reason.
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => QemuEnvironment.Require(Missing));
        Assert.Contains("qemu-system-x86_64 is not installed", e.Message, StringComparison.Ordinal);
        Assert.Equal("/usr/bin/qemu-system-x86_64", QemuEnvironment.Require(Met));
    }

    [Fact]
    public void Under_ci_the_qemu_facts_never_skip()
    {
        string? before = Environment.GetEnvironmentVariable("CI");
        try
        {
            Environment.SetEnvironmentVariable("CI", "true");
            Assert.True(QemuEnvironment.IsCi);
            Assert.Null(new QemuFactAttribute().Skip);
            Assert.Null(new QemuScriptFactAttribute().Skip);

            Environment.SetEnvironmentVariable("CI", null);
            Assert.False(QemuEnvironment.IsCi);
            Assert.Equal(QemuEnvironment.Qemu.Problem, new QemuFactAttribute().Skip);
            Assert.Equal(QemuEnvironment.Scripts.Problem, new QemuScriptFactAttribute().Skip);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CI", before);
        }
    }

    [Fact]
    public void Only_qemu_7_2_is_accepted_and_another_version_is_named()
    {
        const string debian = "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n";
        Assert.Equal("7.2.22", QemuEnvironment.ParseQemuVersion(debian));
        Assert.Equal(new Requirement("/usr/bin/qemu-system-x86_64", null), QemuEnvironment.QemuFromVersionOutput("/usr/bin/qemu-system-x86_64", debian));
        Assert.True(QemuEnvironment.IsRequiredVersion("7.2"));
        Assert.False(QemuEnvironment.IsRequiredVersion("7.20.1"));
        Assert.False(QemuEnvironment.IsRequiredVersion("7.1.0"));
        Assert.False(QemuEnvironment.IsRequiredVersion(null));

        Requirement newer = QemuEnvironment.QemuFromVersionOutput("/opt/qemu/bin/qemu-system-x86_64", "QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)\n");
        Assert.Null(newer.Path);
        Assert.Contains("/opt/qemu/bin/qemu-system-x86_64 is QEMU 8.2.2, not 7.2.x", newer.Problem, StringComparison.Ordinal);

        Requirement garbled = QemuEnvironment.QemuFromVersionOutput("/x/qemu-system-x86_64", "something else\n");
        Assert.Null(garbled.Path);
        Assert.Contains("unknown version ('something else')", garbled.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Scripts_must_record_that_they_come_from_qemu_7_2()
    {
        Assert.Equal("7.2", QemuEnvironment.UpstreamVersion("1:7.2+dfsg-7+deb12u18\n"));
        Assert.Equal("10.0.2", QemuEnvironment.UpstreamVersion("1:10.0.2+ds-1"));
        Assert.Equal(new Requirement("/s", null), QemuEnvironment.ScriptsFromRecordedVersion("/s", "1:7.2+dfsg-7+deb12u18\n"));

        Requirement other = QemuEnvironment.ScriptsFromRecordedVersion("/s", "1:10.0.2+ds-1\n");
        Assert.Null(other.Path);
        Assert.Contains("the scripts of QEMU 1:10.0.2+ds-1, not 7.2", other.Problem, StringComparison.Ordinal);

        Requirement unknown = QemuEnvironment.ScriptsFromRecordedVersion("/s", null);
        Assert.Null(unknown.Path);
        Assert.Contains("no qemu-version file", unknown.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void This_machine_either_has_qemu_7_2_or_says_why_not()
    {
        // Whatever the machine has, the probe's verdict is consistent, and a found binary is 7.2.
        Requirement qemu = QemuEnvironment.Qemu;
        Assert.True((qemu.Path is null) != (qemu.Problem is null), qemu.ToString());
        if (qemu.Path is not null)
        {
            var start = new System.Diagnostics.ProcessStartInfo(qemu.Path, ["--version"]) { RedirectStandardOutput = true };
            using var p = System.Diagnostics.Process.Start(start)!;
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(QemuEnvironment.IsRequiredVersion(QemuEnvironment.ParseQemuVersion(output)), output);
        }

        Requirement scripts = QemuEnvironment.Scripts;
        Assert.True((scripts.Path is null) != (scripts.Problem is null), scripts.ToString());
    }
}
