using System.Runtime.InteropServices;
using SampleMachine.Cli;
using VmState.Migration;

// SIGTERM/SIGINT end the process as they always do, but first remove the temporary file of a snapshot save under way
// (the previous snapshot stays as it was).
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => SnapshotFile.AbandonPendingSaves());
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => SnapshotFile.AbandonPendingSaves());
Ui.ProcessOut = Console.Out;
return CommandLine.Build().Parse(args).Invoke();
