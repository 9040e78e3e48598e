using System.Diagnostics;
using Xunit.Abstractions;

namespace SampleMachine.Tests;

/// <summary>
/// A running guest (the counter guest) saved by one QEMU release with its own machine type, converted with
/// <c>convert --to</c>, loaded by the other release with its own machine type, keeps counting: QEMU 10.0's
/// <c>pc-i440fx-10.0</c> into QEMU 7.2's <c>pc-i440fx-7.2</c> and back up, and the same for q35. Without the
/// conversion each QEMU refuses the other's stream (the machine types differ).
/// </summary>
public sealed class CrossReleaseGuestTests(ITestOutputHelper output)
{
    [Qemu10GuestFact]
    public Task On_pc_a_guest_saved_by_qemu_10_keeps_counting_in_qemu_7_2_after_convert() => Cross("pc", fromNew: true);

    [Qemu10GuestFact]
    public Task On_pc_a_guest_saved_by_qemu_7_2_keeps_counting_in_qemu_10_after_convert() => Cross("pc", fromNew: false);

    [Qemu10GuestFact]
    public Task On_q35_a_guest_saved_by_qemu_10_keeps_counting_in_qemu_7_2_after_convert() => Cross("q35", fromNew: true);

    [Qemu10GuestFact]
    public Task On_q35_a_guest_saved_by_qemu_7_2_keeps_counting_in_qemu_10_after_convert() => Cross("q35", fromNew: false);

    private async Task Cross(string machine, bool fromNew)
    {
        // One folder inside QEMU 10's chroot, so that both QEMUs see the files: the chroot's at /tmp/NAME.
        string root = Qemu10Environment.RootPath;
        string name = $"vmstate-xrel-{Guid.NewGuid():N}";
        string dir = Directory.CreateDirectory(Path.Combine(root, "tmp", name)).FullName;
        try
        {
            File.Copy(CounterGuest.ElfPath, Path.Combine(dir, "counter.elf"));
            var clock = Stopwatch.StartNew();
            string saved = Path.Combine(dir, "saved.mig");
            string converted = Path.Combine(dir, "converted.mig");
            GuestWords atSave;
            using (QemuMonitor source = Start(fromNew, machine, dir, name, incoming: null))
            {
                GuestWords started = await GuestMigrationTests.WaitFor(source, w => w.LooksRight && w.Periods >= 10, "the guest to start");
                await GuestMigrationTests.WaitFor(source, w => w.Rounds > started.Rounds && w.Periods > started.Periods, "the guest to count");
                await source.Send("stop");
                atSave = await CounterGuest.Read(source);
                Assert.True(atSave.LooksRight, atSave.ToString());
                await source.Send($"migrate \"exec:cat > {Inside(fromNew, dir, name, "saved.mig")}\"");
                await source.SendUntil("info migrate", "Migration status: completed");
                await source.Quit();
            }

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s: QEMU {(fromNew ? "10.0" : "7.2")} saved {new FileInfo(saved).Length} bytes at {atSave}");

            // The other release refuses the stream as it is: another machine type.
            using (QemuMonitor refusing = Start(!fromNew, machine, dir, name, incoming: "saved.mig"))
            {
                await refusing.WaitForExit();
                Assert.Contains("Machine type received is", refusing.Errors, StringComparison.Ordinal);
            }

            (int rc, string text, string errors) = InProcessCli.Run("convert", saved, converted, "--to", fromNew ? "7.2" : "10.0");
            output.WriteLine(text + errors);
            Assert.True(rc == 0, text + errors);
            Assert.Contains(fromNew ? (machine == "pc" ? "to pc-i440fx-7.2" : "to pc-q35-7.2") : (machine == "pc" ? "to pc-i440fx-10.0" : "to pc-q35-10.0"), text, StringComparison.Ordinal);

            using QemuMonitor destination = Start(!fromNew, machine, dir, name, incoming: "converted.mig");
            try
            {
                await destination.SendUntil("info status", "VM status: paused\r\n");
                Assert.Equal(atSave, await CounterGuest.Read(destination));
                await destination.Send("cont");
                GuestWords last = atSave;
                int samples = 0;
                await GuestMigrationTests.WaitFor(destination, w =>
                {
                    Assert.True(w.LooksRight, w.ToString());
                    Assert.True(w.Rounds >= last.Rounds && w.Periods >= last.Periods, $"went back from {last} to {w}");
                    last = w;
                    samples++;
                    return w.Rounds > atSave.Rounds && w.Periods >= atSave.Periods + 20 && samples >= 3;
                }, "the guest to count on");
                output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s: QEMU {(fromNew ? "7.2" : "10.0")} counts on at {last}");
                await destination.Quit();
            }
            finally
            {
                output.WriteLine("destination stderr: " + destination.Errors);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // QEMU 10.0 in its chroot, or the host's QEMU 7.2, with the release's own machine type of the kind ("pc" is
    // each release's newest), running the guest or (paused) taking it from a file of the folder.
    private static QemuMonitor Start(bool qemu10, string machine, string dir, string name, string? incoming)
    {
        string kernel = Inside(qemu10, dir, name, "counter.elf");
        string[] args = machine == "pc"
            ? ["-M", "pc", "-m", "16", "-display", "none", "-kernel", kernel]
            : ["-M", "q35", "-m", "16", "-display", "none", "-nic", "user,model=e1000", "-kernel", kernel];
        if (incoming is not null)
        {
            args = [.. args, "-S", "-incoming", "exec:cat " + Inside(qemu10, dir, name, incoming)];
        }

        return qemu10
            ? new QemuMonitor("chroot", [Qemu10Environment.RootPath, "qemu-system-x86_64", .. args])
            : new QemuMonitor(QemuEnvironment.QemuPath, args);
    }

    // A file of the folder as that QEMU sees it.
    private static string Inside(bool qemu10, string dir, string name, string file) =>
        qemu10 ? "/tmp/" + name + "/" + file : Path.Combine(dir, file);
}

/// <summary>A fact that needs QEMU 10.0 (its chroot), QEMU 7.2 and the guest's tools: skipped without them, except under CI.</summary>
public sealed class Qemu10GuestFactAttribute : FactAttribute
{
    public Qemu10GuestFactAttribute() => Skip = QemuEnvironment.SkipReason(Qemu10Environment.Root, QemuEnvironment.IsCi)
        ?? QemuEnvironment.SkipReason(QemuEnvironment.Qemu, QemuEnvironment.IsCi)
        ?? QemuEnvironment.SkipReason(CounterGuest.Tools, QemuEnvironment.IsCi);
}
