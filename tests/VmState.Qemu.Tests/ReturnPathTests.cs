using VmState.Migration;
using VmState.Qemu.Machines;
using VmState.Tests.Support;

namespace VmState.Qemu.Tests;

/// <summary>
/// QEMU 7.2's precopy migration with the return-path capability, recorded on the wire: loaded into a machine of its
/// layout with our destination's return path, it makes the very bytes the QEMU destination sent back (PONG 1, SHUT 0).
/// </summary>
public sealed class ReturnPathTests
{
    [Fact]
    public void Loading_qemus_return_path_stream_answers_with_the_bytes_qemus_destination_sent()
    {
        byte[] stream = QemuFixtures.Bytes("postcopy/precopy.migration");
        byte[] recorded = QemuFixtures.Bytes("postcopy/precopy.return-path");
        using QemuMachine machine = QemuMachine.Create(QemuStreams.Layout(stream));
        var answers = new MemoryStream();
        var returnPath = new ReturnPathWriter(answers);

        new MigrationLoader(machine.Registry, machine.StreamOptions) { CommandReceived = returnPath.OnCommand }.Load(new PieceStream(stream, seed: 5));
        returnPath.Shut(failed: false);

        Assert.Equal(recorded, answers.ToArray());
    }

    [Fact]
    public void Without_open_return_path_nothing_is_written_and_a_failed_load_says_shut_1()
    {
        var answers = new MemoryStream();
        var returnPath = new ReturnPathWriter(answers);
        returnPath.OnCommand(new VmState.Wire.MigrationCommandFrame { Command = VmState.Wire.QemuMigrationCommand.Ping, Length = 4, Value = 9 });
        returnPath.Shut(failed: false);
        Assert.Empty(answers.ToArray());

        returnPath.OnCommand(new VmState.Wire.MigrationCommandFrame { Command = VmState.Wire.QemuMigrationCommand.OpenReturnPath, Length = 0 });
        returnPath.Shut(failed: true);
        Assert.Equal(new byte[] { 0, 1, 0, 4, 0, 0, 0, 1 }, answers.ToArray());
    }
}
