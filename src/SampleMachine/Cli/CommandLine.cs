using System.CommandLine;
using VmState.Description;
using VmState.Qemu.E1000;
using VmState.Qemu.Pci;
using VmState.Qemu.Machines;
using VmState.Qemu.X86;
using VmState.Schema;

namespace SampleMachine.Cli;

/// <summary>The sample machine's commands.</summary>
public static class CommandLine
{
    /// <summary>The machine type name the sample machine reports in schemas and streams.</summary>
    public const string MachineName = "vmstate-sample-1.0";

    /// <summary>Every device description the program knows, in the order a dump lists them.</summary>
    public static IReadOnlyList<VmStateDescription> KnownDevices { get; } =
    [
        E1000Nic.VmStateDescription,
        CpuCommon.VmStateDescription,
        X86Cpu.VmStateDescription,
    ];

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("VmState sample machine: QEMU-compatible device state in C#");
        root.Options.Add(CommonOptions.Verbose);
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(MachineCommands.Run());
        root.Subcommands.Add(MachineCommands.Save());
        root.Subcommands.Add(MachineCommands.Load());
        root.Subcommands.Add(MigrationCommands.Migrate());
        root.Subcommands.Add(MigrationCommands.Incoming());
        root.Subcommands.Add(AnalyzeCliCommand.Build());
        root.Subcommands.Add(ImportCommand.Build());
        root.Subcommands.Add(ConvertCommand.Build());
        root.Subcommands.Add(DumpVmState());
        root.Subcommands.Add(CheckCommand.Build());
        return root;
    }

    private static Command DumpVmState()
    {
        var file = new Argument<FileInfo>("file") { Description = "Where to write the schema (QEMU's -dump-vmstate JSON)" };
        var withoutNum = new Option<bool>("--without-num")
        {
            Description = "Leave out \"num\" for arrays, as QEMU 7.2 does (newer QEMU writes it)",
        };
        var machine = new Option<string?>("--machine")
        {
            Description = "Write the device library's schema of a QEMU 7.2 machine instead: pc or q35 (every description its sections use)",
        };
        var command = new Command("dump-vmstate", "Write the schema of every device the machine knows, as QEMU's -dump-vmstate does")
        {
            file,
            withoutNum,
            machine,
        };
        command.SetAction(parse => CommonOptions.Run(parse, () =>
        {
            FileInfo target = parse.GetValue(file)!;
            var options = new DumpVmStateOptions { IncludeNum = !parse.GetValue(withoutNum) };
            (string name, IReadOnlyList<VmStateDescription> devices) = parse.GetValue(machine) is { } m ? QemuMachineDescriptions(m) : (MachineName, KnownDevices);
            string text = DumpVmStateWriter.Write(name, devices, options);
            File.WriteAllText(target.FullName, text);
            Console.WriteLine($"wrote {devices.Count} device schema(s) to {target.FullName}");
            return 0;
        }));
        return command;
    }

    /// <summary>The machine type and the library's descriptions of every section of QEMU 7.2's default <paramref name="machine"/> ("pc" or "q35").</summary>
    /// <exception cref="FormatException">The machine is neither.</exception>
    public static (string MachineType, IReadOnlyList<VmStateDescription> Devices) QemuMachineDescriptions(string machine)
    {
        QemuMachineKind kind = CommonOptions.MachineKind(machine);
        VmStateDescription[] devices = [.. QemuMachineLayout.Default(kind).Sections
            .Select(s => QemuDeviceCatalog.Find(s.Name)?.Description)
            .OfType<VmStateDescription>()
            .DistinctBy(d => d.Name)];
        return (kind.MachineType(), devices);
    }
}
