using System.Buffers;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Runtime.Tests.Postcopy;

/// <summary>QEMU 8.1's switchover ack on the destination: approved once, when every section that needs it agrees.</summary>
public sealed class SwitchoverAckTests
{
    private static readonly MigrationStreamOptions Options = PostcopyMachine.Options with { Postcopy = false, SwitchoverAck = true };

    [Fact]
    public void The_ram_section_approves_once_every_page_has_arrived_and_not_before()
    {
        using var source = new PostcopyMachine(seed: 1);
        byte[] stream = Save(source);
        using var destination = new PostcopyMachine(seed: 7);
        destination.RamSection.SwitchoverAckWhenComplete = true;
        var approvals = new List<bool>();
        var loader = new MigrationLoader(destination.Registry, Options)
        {
            SwitchoverApproved = () => approvals.Add(destination.RamSection.LoadSwitchoverApproved),
        };

        // Cut before the last pages: no approval.
        Assert.Throws<VmStateLoadException>(() => loader.Load(stream.AsMemory(0, stream.Length / 2)));
        Assert.Empty(approvals);

        loader.Load(stream);
        Assert.Equal([true], approvals);
    }

    [Fact]
    public void Without_a_section_that_needs_it_the_approval_comes_after_the_first_frame_and_only_with_the_capability()
    {
        using var source = new PostcopyMachine(seed: 1);
        byte[] stream = Save(source);
        int approvals = 0;
        using (var destination = new PostcopyMachine(seed: 7))
        {
            new MigrationLoader(destination.Registry, Options) { SwitchoverApproved = () => approvals++ }.Load(stream);
        }

        Assert.Equal(1, approvals);
        using (var destination = new PostcopyMachine(seed: 7))
        {
            new MigrationLoader(destination.Registry, Options with { SwitchoverAck = false }) { SwitchoverApproved = () => approvals++ }.Load(stream);
        }

        Assert.Equal(1, approvals);
    }

    [Fact]
    public void The_ack_is_qemus_type_7_with_no_data_and_is_read_only_where_allowed()
    {
        using var wire = new MemoryStream();
        var writer = new ReturnPathWriter(wire);
        writer.OnCommand(new MigrationCommandFrame { Command = QemuMigrationCommand.OpenReturnPath, Length = 0 });
        writer.SwitchoverAck();
        Assert.Equal<byte>([0x00, 0x07, 0x00, 0x00], wire.ToArray());

        wire.Position = 0;
        Assert.Equal(QemuReturnPathMessageType.SwitchoverAck, new ReturnPathReader(wire).Read(allowSwitchoverAck: true)!.Type);
        wire.Position = 0;
        Assert.Throws<VmStateLoadException>(() => new ReturnPathReader(wire).Read());
    }

    private static byte[] Save(PostcopyMachine machine)
    {
        var output = new ArrayBufferWriter<byte>();
        MigrationSaver.SaveSnapshot(machine.Registry, output, Options);
        return output.WrittenSpan.ToArray();
    }
}
