using VmState.Qemu.Machines;
using VmState.Qemu.Tests;

namespace SampleMachine.Tests;

/// <summary>
/// Fresh QEMU 7.2 streams of whole pc and q35 machines (default devices, an e1000) through <c>import-qemu</c>: every
/// section loaded, none skipped, and <c>--save</c> gives QEMU's bytes back; a device the library does not model is an
/// error naming it, or with <c>--skip-unknown</c> is listed.
/// </summary>
public sealed class WholeMachineImportTests
{
    private static async Task<byte[]> FreshStream(string dir, params string[] args)
    {
        string file = Path.Combine(dir, "qemu.mig");
        using (var qemu = new QemuMonitor(QemuEnvironment.QemuPath, [.. args, "-m", "16", "-display", "none"]))
        {
            // The firmware runs a moment, so RAM and devices hold more than their reset state.
            await Task.Delay(1500);
            await qemu.Send("migrate \"exec:cat > " + file + "\"");
            await qemu.SendUntil("info migrate", "Migration status: completed");
            await qemu.Quit();
        }

        return File.ReadAllBytes(file);
    }

    private static (int Rc, string Output) Cli(params string[] args)
    {
        (int rc, string output, _) = InProcessCli.Run(args);
        return (rc, output);
    }

    [QemuTheory]
    [InlineData("pc", new[] { "-M", "pc" }, 35)]
    [InlineData("q35", new[] { "-M", "q35", "-nic", "user,model=e1000" }, 34)]
    public async Task A_fresh_qemu_stream_imports_every_section_and_saves_qemus_bytes_back(string machine, string[] qemuArgs, int sections)
    {
        using var dir = new TempDirectory();
        byte[] qemu = await FreshStream(dir.Path, qemuArgs);
        string input = Path.Combine(dir.Path, "in.mig");
        string output = Path.Combine(dir.Path, "out.mig");
        File.WriteAllBytes(input, qemu);

        (int rc, string text) = Cli("import-qemu", input, "--machine", machine, "--save", output);
        Assert.True(rc == 0, text);
        Assert.Contains($"{sections} device sections, 9 RAM blocks", text, StringComparison.Ordinal);
        Assert.Contains(", 0 skipped", text, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", text, StringComparison.Ordinal);
        ResaveCheck.AssertSameAsQemu(qemu, File.ReadAllBytes(output));
    }

    [QemuFact]
    public async Task A_device_the_library_does_not_model_is_an_error_naming_it_or_with_skip_unknown_is_listed()
    {
        using var dir = new TempDirectory();
        byte[] qemu = await FreshStream(dir.Path, "-M", "pc", "-device", "i6300esb");
        string input = Path.Combine(dir.Path, "in.mig");
        File.WriteAllBytes(input, qemu);
        QemuMachineLayout layout = QemuStreams.Layout(qemu);
        QemuSectionSpec watchdog = Assert.Single(layout.Sections, s => s.Name == "i6300esb_wdt");

        var e = Assert.Throws<VmState.Wire.VmStateLoadException>(() => QemuStreams.Import(qemu));
        Assert.Contains($"1 section(s) the library does not model: '{watchdog.IdStr}' 0", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, Cli("import-qemu", input).Rc);

        (int rc, string text) = Cli("import-qemu", input, "--skip-unknown");
        Assert.Equal(0, rc);
        Assert.Contains($"warning: left out 1 section(s) the library does not model: '{watchdog.IdStr}' 0", text, StringComparison.Ordinal);
        Assert.Contains("35 device sections", text, StringComparison.Ordinal);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vmstate-whole-{Guid.NewGuid():N}")).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
