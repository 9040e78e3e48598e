using System.Net;
using System.Net.Sockets;
using SampleMachine.Migration;
using VmState.Qemu.Machines;

namespace SampleMachine.Tests;

/// <summary>
/// Sending a machine to QEMU waits for QEMU's SHUT on the return path the stream opened: SHUT 0 is success, anything
/// else (or no SHUT) is an error, so a forward never claims a guest QEMU did not load.
/// </summary>
public sealed class QemuPeerReturnPathTests
{
    [Theory]
    [InlineData("00020004 00000001 00010004 00000000", null)]
    [InlineData("00020004 00000001 00010004 00000001", "SHUT 1")]
    [InlineData("00020004 00000001", "without saying on its return path that it loaded the stream")]
    public async Task A_forward_succeeds_only_on_shut_0(string answer, string? error)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task<byte[]> fakeQemu = Task.Run(async () =>
        {
            // Reads the whole stream as QEMU would, then answers as the case says and closes.
            using TcpClient client = await listener.AcceptTcpClientAsync();
            using NetworkStream stream = client.GetStream();
            var received = new MemoryStream();
            await stream.CopyToAsync(received);
            await stream.WriteAsync(Convert.FromHexString(answer.Replace(" ", "", StringComparison.Ordinal)));
            return received.ToArray();
        });
        using QemuMachine machine = QemuMachine.Create(QemuMachineLayout.Default(QemuMachineKind.Pc, 16L << 20));

        Exception? e = Record.Exception(() => QemuPeer.Send(machine, (IPEndPoint)listener.LocalEndpoint, TimeSpan.FromSeconds(30)));

        byte[] sent = await fakeQemu.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Convert.FromHexString("0800010000" + "080002000400000001"), sent.AsSpan(26, 14).ToArray());
        if (error is null)
        {
            Assert.Null(e);
        }
        else
        {
            Assert.Contains(error, Assert.IsType<IOException>(e).Message, StringComparison.Ordinal);
        }
    }
}
