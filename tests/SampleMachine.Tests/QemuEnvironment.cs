using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SampleMachine.Tests;

/// <summary>
/// What the QEMU tests need from the machine: <c>qemu-system-x86_64</c> 7.2.x on PATH, and QEMU 7.2's own scripts
/// with python3 (<c>tools/fetch-qemu-scripts</c>). Where one is missing the tests that need it skip, except under
/// CI (<c>CI=true</c>), where they run and fail naming what is missing: a CI whose installs broke cannot go green
/// by skipping them.
/// </summary>
internal static partial class QemuEnvironment
{
    /// <summary>The QEMU release the interop tests and fixtures are about.</summary>
    public const string RequiredVersion = "7.2";

    /// <summary>Where <c>tools/fetch-qemu-scripts</c> records the Debian source version the scripts came from.</summary>
    public const string ScriptsVersionFile = "qemu-version";

    private static readonly Lazy<Requirement> QemuRequirement = new(FindQemu);
    private static readonly Lazy<Requirement> ScriptsRequirement = new(FindScripts);

    /// <summary>True when <c>CI=true</c>: missing QEMU tools fail the tests instead of skipping them.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The QEMU binary, or why it cannot be used.</summary>
    public static Requirement Qemu => QemuRequirement.Value;

    /// <summary>The scripts folder, or why it cannot be used.</summary>
    public static Requirement Scripts => ScriptsRequirement.Value;

    /// <summary>The path of QEMU 7.2's <c>qemu-system-x86_64</c>; throws, naming the problem, when there is none.</summary>
    public static string QemuPath => Require(Qemu);

    /// <summary>The folder of QEMU 7.2's scripts; throws, naming the problem, when there is none.</summary>
    public static string ScriptsPath => Require(Scripts);

    /// <summary>The skip reason of a test that needs <paramref name="requirement"/>: null (run it) when met or under CI.</summary>
    public static string? SkipReason(Requirement requirement, bool ci) => requirement.Problem is null || ci ? null : requirement.Problem;

    /// <summary>The requirement's path; an <see cref="InvalidOperationException"/> with its problem when it is not met.</summary>
    public static string Require(Requirement requirement) =>
        requirement.Path ?? throw new InvalidOperationException(
            (IsCi ? "CI=true and the QEMU tools are not usable (fix the install in .ci/run): " : "") + requirement.Problem);

    /// <summary>"7.2.22" from <c>qemu-system-x86_64 --version</c>'s "QEMU emulator version 7.2.22 (Debian ...)"; null if absent.</summary>
    public static string? ParseQemuVersion(string versionOutput)
    {
        Match m = QemuVersionLine().Match(versionOutput);
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>"7.2" from a Debian version such as "1:7.2+dfsg-7+deb12u18" (epoch and revision dropped); null if none.</summary>
    public static string? UpstreamVersion(string debianVersion)
    {
        Match m = DebianUpstream().Match(debianVersion.Trim());
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>True for 7.2 and 7.2.x (not 7.20, not 8.2).</summary>
    public static bool IsRequiredVersion(string? version) =>
        version is not null && (version == RequiredVersion || version.StartsWith(RequiredVersion + ".", StringComparison.Ordinal));

    /// <summary>The requirement met by <paramref name="path"/> whose <c>--version</c> printed <paramref name="versionOutput"/>.</summary>
    public static Requirement QemuFromVersionOutput(string path, string versionOutput)
    {
        string? version = ParseQemuVersion(versionOutput);
        return IsRequiredVersion(version)
            ? new Requirement(path, null)
            : new Requirement(null, $"{path} is QEMU {version ?? "of unknown version ('" + versionOutput.Trim() + "')"}, not {RequiredVersion}.x (apt-get install qemu-system-x86 on Debian 12)");
    }

    /// <summary>The requirement met by a scripts folder whose version file says <paramref name="recordedVersion"/> (null: no file).</summary>
    public static Requirement ScriptsFromRecordedVersion(string dir, string? recordedVersion)
    {
        if (recordedVersion is null)
        {
            return new Requirement(null, $"{dir} has QEMU's scripts but no {ScriptsVersionFile} file to tell which QEMU they are from: run tools/fetch-qemu-scripts again");
        }

        string? version = UpstreamVersion(recordedVersion);
        return IsRequiredVersion(version)
            ? new Requirement(dir, null)
            : new Requirement(null, $"{dir} has the scripts of QEMU {recordedVersion.Trim()}, not {RequiredVersion}: run tools/fetch-qemu-scripts on a Debian 12 machine");
    }

    private static string? OnPath(string name) => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, name))
        .FirstOrDefault(File.Exists);

    private static Requirement FindQemu()
    {
        string? path = OnPath("qemu-system-x86_64");
        if (path is null)
        {
            return new Requirement(null, "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)");
        }

        var start = new ProcessStartInfo(path, ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using Process p = Process.Start(start)!;
            Task<string> output = p.StandardOutput.ReadToEndAsync();
            Task<string> errors = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                p.Kill(entireProcessTree: true);
                return new Requirement(null, $"{path} --version did not finish");
            }

            return p.ExitCode == 0
                ? QemuFromVersionOutput(path, output.Result)
                : new Requirement(null, $"{path} --version failed (exit {p.ExitCode}): {errors.Result.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new Requirement(null, $"{path} cannot be run: {e.Message}");
        }
    }

    private static Requirement FindScripts()
    {
        string dir = Environment.GetEnvironmentVariable("VMSTATE_QEMU_SCRIPTS")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "vmstate", "qemu-7.2", "scripts");
        if (OnPath("python3") is null)
        {
            return new Requirement(null, "python3 is not installed, and QEMU's scripts need it (apt-get install python3)");
        }

        if (!File.Exists(Path.Combine(dir, "analyze-migration.py")) || !File.Exists(Path.Combine(dir, "vmstate-static-checker.py")))
        {
            return new Requirement(null, $"QEMU 7.2's scripts are not in {dir}: run tools/fetch-qemu-scripts (needs root and apt)");
        }

        string versionFile = Path.Combine(dir, ScriptsVersionFile);
        return ScriptsFromRecordedVersion(dir, File.Exists(versionFile) ? File.ReadAllText(versionFile) : null);
    }

    [GeneratedRegex(@"QEMU emulator version ([0-9]+(?:\.[0-9]+)*)")]
    private static partial Regex QemuVersionLine();

    [GeneratedRegex(@"^(?:[0-9]+:)?([0-9]+\.[0-9]+(?:\.[0-9]+)?)")]
    private static partial Regex DebianUpstream();
}

/// <summary>A tool the tests need: its path when usable, otherwise why not.</summary>
internal sealed record Requirement(string? Path, string? Problem);

/// <summary>A fact that needs QEMU 7.2's <c>qemu-system-x86_64</c>: skipped without it, except under CI.</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute() => Skip = QemuEnvironment.SkipReason(QemuEnvironment.Qemu, QemuEnvironment.IsCi);
}

/// <summary>A fact that needs QEMU 7.2's scripts and python3: skipped without them, except under CI.</summary>
public sealed class QemuScriptFactAttribute : FactAttribute
{
    public QemuScriptFactAttribute() => Skip = QemuEnvironment.SkipReason(QemuEnvironment.Scripts, QemuEnvironment.IsCi);
}

/// <summary>A theory that needs QEMU 7.2: skipped without it, except under CI.</summary>
public sealed class QemuTheoryAttribute : TheoryAttribute
{
    public QemuTheoryAttribute() => Skip = QemuEnvironment.SkipReason(QemuEnvironment.Qemu, QemuEnvironment.IsCi);
}

/// <summary>A theory that needs QEMU 7.2's scripts; skipped (outside CI) where they cannot be had.</summary>
public sealed class QemuScriptTheoryAttribute : TheoryAttribute
{
    public QemuScriptTheoryAttribute() => Skip = QemuEnvironment.SkipReason(QemuEnvironment.Scripts, QemuEnvironment.IsCi);
}
