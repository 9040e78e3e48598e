using System.Diagnostics;

namespace SampleMachine.Tests;

/// <summary>
/// QEMU 10.0, the second peer, as <c>tools/fetch-qemu-10</c> provides it: a trixie chroot (QEMU runs as
/// <c>chroot ROOT qemu-system-x86_64</c>, so only as root) and QEMU 10's own scripts, under
/// <c>$VMSTATE_QEMU10_DIR</c> (default <c>~/.cache/vmstate/qemu-10.0</c>). Missing, the tests that need it skip,
/// except under CI, as with <see cref="QemuEnvironment"/>.
/// </summary>
internal static class Qemu10Environment
{
    private static readonly Lazy<Requirement> RootRequirement = new(FindRoot);
    private static readonly Lazy<Requirement> ScriptsRequirement = new(FindScripts);

    /// <summary>The folder tools/fetch-qemu-10 fills.</summary>
    public static string Directory => Environment.GetEnvironmentVariable("VMSTATE_QEMU10_DIR")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "vmstate", "qemu-10.0");

    /// <summary>The chroot holding QEMU 10.0, or why it cannot be used.</summary>
    public static Requirement Root => RootRequirement.Value;

    /// <summary>The folder of QEMU 10.0's scripts, or why it cannot be used.</summary>
    public static Requirement Scripts => ScriptsRequirement.Value;

    /// <summary>The folder of QEMU 10.0's scripts; throws, naming the problem, when there is none.</summary>
    public static string ScriptsPath => QemuEnvironment.Require(Scripts);

    /// <summary>The chroot holding QEMU 10.0; throws, naming the problem, when there is none.</summary>
    public static string RootPath => QemuEnvironment.Require(Root);

    private static Requirement FindRoot()
    {
        string root = Path.Combine(Directory, "root");
        if (!File.Exists(Path.Combine(root, "usr", "bin", "qemu-system-x86_64")))
        {
            return new Requirement(null, $"QEMU 10.0 is not in {root}: run tools/fetch-qemu-10 (needs root and apt)");
        }

        if (Environment.UserName != "root")
        {
            return new Requirement(null, $"QEMU 10.0 in {root} runs in a chroot, which needs root");
        }

        var start = new ProcessStartInfo("chroot", [root, "qemu-system-x86_64", "--version"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using Process p = Process.Start(start)!;
            Task<string> output = p.StandardOutput.ReadToEndAsync();
            Task<string> errors = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                p.Kill(entireProcessTree: true);
                return new Requirement(null, $"chroot {root} qemu-system-x86_64 --version did not finish");
            }

            string? version = QemuEnvironment.ParseQemuVersion(output.Result);
            return p.ExitCode == 0 && version is not null && (version == "10.0" || version.StartsWith("10.0.", StringComparison.Ordinal))
                ? new Requirement(root, null)
                : new Requirement(null, $"chroot {root} qemu-system-x86_64 is not QEMU 10.0 (exit {p.ExitCode}): {output.Result.Trim()} {errors.Result.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new Requirement(null, $"chroot cannot be run: {e.Message}");
        }
    }

    private static Requirement FindScripts()
    {
        string dir = Path.Combine(Directory, "scripts");
        if (QemuEnvironment.Scripts.Problem is { } problem && problem.StartsWith("python3", StringComparison.Ordinal))
        {
            return new Requirement(null, problem);
        }

        string versionFile = Path.Combine(dir, QemuEnvironment.ScriptsVersionFile);
        if (!File.Exists(Path.Combine(dir, "analyze-migration.py")) || !File.Exists(Path.Combine(dir, "vmstate-static-checker.py")) || !File.Exists(versionFile))
        {
            return new Requirement(null, $"QEMU 10.0's scripts are not in {dir}: run tools/fetch-qemu-10 (needs root and apt)");
        }

        string? version = QemuEnvironment.UpstreamVersion(File.ReadAllText(versionFile));
        return version is not null && (version == "10.0" || version.StartsWith("10.0.", StringComparison.Ordinal))
            ? new Requirement(dir, null)
            : new Requirement(null, $"{dir} has the scripts of QEMU {version}, not 10.0: run tools/fetch-qemu-10");
    }
}

/// <summary>A fact that needs QEMU 10.0's scripts and python3: skipped without them, except under CI.</summary>
public sealed class Qemu10ScriptFactAttribute : FactAttribute
{
    public Qemu10ScriptFactAttribute() => Skip = QemuEnvironment.SkipReason(Qemu10Environment.Scripts, QemuEnvironment.IsCi);
}

/// <summary>A theory that needs QEMU 10.0's scripts and python3: skipped without them, except under CI.</summary>
public sealed class Qemu10ScriptTheoryAttribute : TheoryAttribute
{
    public Qemu10ScriptTheoryAttribute() => Skip = QemuEnvironment.SkipReason(Qemu10Environment.Scripts, QemuEnvironment.IsCi);
}
