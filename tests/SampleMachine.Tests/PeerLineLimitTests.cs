using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SampleMachine.Machine;
using SampleMachine.Migration;
using VmState.Migration;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>
/// Text a migration peer sends is bounded: a destination's reply lines (LOADED, HASH) at
/// <see cref="MigrationSource.MaxPeerLine"/> bytes, a source's VMDESCRIPTION at <see cref="MigrationLoader.MaxVmDescription"/>;
/// an endless one is a typed one-line error, not memory spent until the process dies.
/// </summary>
public sealed class PeerLineLimitTests
{
    // Takes the whole stream (a real loader reads it to its end), answers with the lines given, then sends one line
    // that never ends, until the source hangs up.
    private static async Task EndlessLineAfter(TcpListener listener, string lines)
    {
        using TcpClient client = await listener.AcceptTcpClientAsync();
        NetworkStream stream = client.GetStream();
        using var taker = new VirtualMachine(2L << 20);
        new MigrationLoader(taker.Registry, taker.StreamOptions).Load(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(lines));
        byte[] endless = Enumerable.Repeat((byte)'A', 64 << 10).ToArray();
        try
        {
            for (int i = 0; i < 1024; i++)
            {
                await stream.WriteAsync(endless);
            }
        }
        catch (IOException)
        {
            // The source gave up on the line and closed.
        }
    }

    private static MigrationStats MigrateTo(TcpListener listener, VirtualMachine machine) =>
        new MigrationSource(machine, null, new MigrationParameters()) { IdleTimeout = TimeSpan.FromSeconds(30) }
            .Migrate("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);

    [Fact]
    public async Task An_endless_reply_line_instead_of_LOADED_is_a_one_line_peer_error_and_the_switchover_is_in_doubt()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task destination = EndlessLineAfter(listener, "");
        using var machine = new VirtualMachine(2L << 20);

        var e = Assert.Throws<MigrationInDoubtException>(() => MigrateTo(listener, machine));
        await destination.WaitAsync(TimeSpan.FromSeconds(60));

        MigrationPeerException peer = Assert.IsType<MigrationPeerException>(e.InnerException);
        Assert.Contains($"longer than {MigrationSource.MaxPeerLine} bytes", peer.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(e.Message.Length < 400, e.Message);
    }

    [Fact]
    public async Task An_endless_hash_line_after_LOADED_completes_the_migration_without_the_destination_hash()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task destination = EndlessLineAfter(listener, "LOADED\n");
        using var machine = new VirtualMachine(2L << 20);

        MigrationStats stats = MigrateTo(listener, machine);
        await destination.WaitAsync(TimeSpan.FromSeconds(60));

        // LOADED: the guest is the destination's; its hash line was refused at the limit.
        Assert.True(stats.Completed);
        Assert.Null(stats.DestinationHash);
    }

    [Fact]
    public async Task A_source_whose_VMDESCRIPTION_never_ends_is_refused_at_its_length_and_the_destination_rolls_back()
    {
        // A real stream whose VMDESCRIPTION claims 2 GiB, followed by bytes that never end.
        using var sent = new VirtualMachine(2L << 20);
        sent.FillRandom(seed: 5, fraction: 0.5);
        byte[] bytes = SaveWhole(sent);
        int json = bytes.AsSpan().LastIndexOf("{\"page_size\""u8);
        Assert.Equal(0x06, bytes[json - 5]);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(json - 4), 0x8000_0000);

        using var target = new VirtualMachine(2L << 20);
        string before = target.StateHash();
        using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0)) { IdleTimeout = TimeSpan.FromSeconds(30) };
        Task<(MigrationLoadResult Result, string Hash)> accept = Task.Run(() => destination.Accept(target));
        using var client = new TcpClient();
        await client.ConnectAsync(destination.LocalEndpoint);
        long written = 0;
        try
        {
            await client.GetStream().WriteAsync(bytes.AsMemory(0, json));
            byte[] more = new byte[64 << 10];
            for (int i = 0; i < 4096; i++)
            {
                await client.GetStream().WriteAsync(more);
                written += more.Length;
            }
        }
        catch (IOException)
        {
            // The destination refused and closed.
        }

        var e = await Assert.ThrowsAsync<VmStateLoadException>(() => accept.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("VMDESCRIPTION claims 2147483648 bytes, more than the 67108864-byte limit", e.Message, StringComparison.Ordinal);
        Assert.True(written < 64L << 20, $"{written} bytes taken after the length");
        Assert.Equal(before, target.StateHash());
    }

    private static byte[] SaveWhole(VirtualMachine machine)
    {
        string file = Path.Combine(Path.GetTempPath(), $"vmstate-limit-{Guid.NewGuid():N}.vmsnap");
        try
        {
            machine.SaveSnapshot(file);
            return File.ReadAllBytes(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
