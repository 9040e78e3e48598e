using System.Net;
using System.Net.Sockets;
using SampleMachine.Machine;
using SampleMachine.Migration;
using VmState.Ram;

namespace SampleMachine.Tests;

/// <summary>
/// The sample machine's own live migration over multifd channels: equal state with the guest writing throughout,
/// every channel's bytes counted, and a channel that fails or never comes fails the migration with the source running
/// and the destination as it was.
/// </summary>
public sealed class MultifdMigrationTests
{
    [Fact]
    public async Task A_live_migration_over_two_channels_with_the_guest_writing_ends_with_equal_state()
    {
        using var source = new VirtualMachine(16L << 20);
        source.FillRandom(seed: 3, fraction: 0.5);
        using var guest = new GuestWorkload(source, seed: 11, dirtyPagesPerSecond: 20_000);
        guest.Resume();
        Thread.Sleep(200);
        using var target = new VirtualMachine(16L << 20);
        using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0), channels: 2);
        var incoming = Task.Run(() => destination.Accept(target));

        MigrationStats stats = new MigrationSource(source, guest, new MigrationParameters { Channels = 2 }).Migrate("127.0.0.1", destination.LocalEndpoint.Port);
        (_, string destinationHash) = await incoming.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(stats.Completed, stats.FailureReason);
        Assert.Equal(stats.SourceHash, destinationHash);
        Assert.Equal(source.StateHash(), target.StateHash());

        // Half of RAM is random: at least that went on the channels, and the source counts it as sent.
        Assert.True(destination.MultifdBytes >= 8L << 20, $"{destination.MultifdBytes} bytes on the channels");
        Assert.True(stats.Transferred >= destination.MultifdBytes, $"{stats.Transferred} bytes counted as sent");
        Assert.Null(source.RamSection.MultifdSender);
        Assert.Null(target.RamSection.MultifdReceiver);
    }

    [Fact]
    public async Task With_zstd_the_channels_carry_compressible_pages_in_far_fewer_bytes_and_the_state_arrives_equal()
    {
        using var source = new VirtualMachine(16L << 20);

        // Every page holds text (non-zero, so it goes on a channel, and compressible).
        byte[] text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 100)));
        for (long at = 0; at < source.Ram.Length; at += RamBlock.PageSize)
        {
            source.Ram.Write(at, text.AsSpan(0, RamBlock.PageSize));
        }

        using var guest = new GuestWorkload(source, seed: 11, dirtyPagesPerSecond: 2_000);
        guest.Resume();
        using var target = new VirtualMachine(16L << 20);
        var zstd = new ZstdMultifdCompression();
        using var destination = new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0), channels: 2, zstd);
        var incoming = Task.Run(() => destination.Accept(target));

        MigrationStats stats = new MigrationSource(source, guest, new MigrationParameters { Channels = 2, MultifdCompression = zstd }).Migrate("127.0.0.1", destination.LocalEndpoint.Port);
        (_, string destinationHash) = await incoming.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(stats.Completed, stats.FailureReason);
        Assert.Equal(stats.SourceHash, destinationHash);
        Assert.Equal(source.StateHash(), target.StateHash());
        Assert.True(destination.MultifdBytes < 2L << 20, $"{destination.MultifdBytes} bytes on the channels for 16 MiB of text");
    }

    [Fact]
    public async Task A_zstd_destination_refuses_a_source_that_sends_its_pages_plain_and_stays_as_it_was()
    {
        Exception refusal = await Refused(
            () => new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0), channels: 2, new ZstdMultifdCompression()) { IdleTimeout = TimeSpan.FromSeconds(10) },
            new MigrationParameters { Channels = 2 });

        var e = Assert.IsType<VmState.Wire.VmStateLoadException>(refusal);
        Assert.Contains("flags received 0 flags expected 4 (this destination's multifd compression: zstd)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate --to 127.0.0.1:1 --channels 256", "--channels is 0 to 255 multifd channels")]
    [InlineData("migrate --to 127.0.0.1:1 --channels 2 --postcopy", "--channels and --postcopy do not go together")]
    [InlineData("migrate --to 127.0.0.1:1 --channels 2 --multifd-compression zlib", "--multifd-compression is none or zstd, not 'zlib'")]
    [InlineData("migrate --to 127.0.0.1:1 --multifd-compression zstd", "--multifd-compression zstd goes with multifd channels")]
    [InlineData("incoming --listen 127.0.0.1:0 --machine pc --forward-channels 2", "--forward-postcopy and --forward-channels go with --forward-to")]
    [InlineData("incoming --listen 127.0.0.1:0 --machine pc --forward-to 127.0.0.1:1 --forward-channels 2 --forward-postcopy 1M", "multifd does not carry postcopy")]
    public void Multifd_options_that_cannot_work_are_usage_errors_that_say_why(string command, string expected)
    {
        (int rc, _, string errors) = InProcessCli.Run(command.Split(' '));

        Assert.Equal(1, rc);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_destination_waiting_for_more_channels_than_come_rejects_it_and_the_source_runs_on()
    {
        Exception refusal = await Refused(
            () => new MigrationDestination(new IPEndPoint(IPAddress.Loopback, 0), channels: 2) { IdleTimeout = TimeSpan.FromSeconds(2) },
            new MigrationParameters { Channels = 1 });

        var e = Assert.IsType<IOException>(refusal);
        Assert.Contains("the source opened 1 of 2 multifd channel(s) within 2 s", e.Message, StringComparison.Ordinal);
    }

    // A source with `parameters` against a destination that must refuse it: the destination's error, once it is
    // checked that the source failed with its guest running and the destination's machine is as it was.
    private static async Task<Exception> Refused(Func<MigrationDestination> makeDestination, MigrationParameters parameters)
    {
        using var source = new VirtualMachine(16L << 20);
        source.FillRandom(seed: 3, fraction: 0.5);
        using var guest = new GuestWorkload(source, seed: 11, dirtyPagesPerSecond: 1_000);
        guest.Resume();
        using var target = new VirtualMachine(16L << 20);
        string before = target.StateHash();
        using MigrationDestination destination = makeDestination();
        var incoming = Task.Run(() => destination.Accept(target));

        var migration = new MigrationSource(source, guest, parameters) { IdleTimeout = TimeSpan.FromSeconds(10) };
        Exception? failure = Record.Exception(() => migration.Migrate("127.0.0.1", destination.LocalEndpoint.Port));
        Exception? refusal = await Record.ExceptionAsync(() => incoming.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.True(failure is IOException or SocketException, failure?.ToString());
        Assert.True(guest.IsRunning);
        Assert.Equal(before, target.StateHash());
        return Assert.IsAssignableFrom<Exception>(refusal);
    }

    [Fact]
    public async Task A_channel_that_breaks_mid_migration_fails_it_with_the_channel_named_and_the_source_running()
    {
        using var source = new VirtualMachine(16L << 20);
        source.FillRandom(seed: 3, fraction: 1);
        using var guest = new GuestWorkload(source, seed: 11, dirtyPagesPerSecond: 1_000);
        guest.Resume();

        // A destination that takes the main connection and two channels, reads 1 MiB from channel 1 and hangs it up.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(3);
        Task fake = Task.Run(async () =>
        {
            using TcpClient main = await listener.AcceptTcpClientAsync();
            using TcpClient channel0 = await listener.AcceptTcpClientAsync();
            using TcpClient channel1 = await listener.AcceptTcpClientAsync();
            Task drainMain = main.GetStream().CopyToAsync(Stream.Null);
            Task drain0 = channel0.GetStream().CopyToAsync(Stream.Null);
            byte[] buffer = new byte[1 << 20];
            await channel1.GetStream().ReadAtLeastAsync(buffer, buffer.Length);
            channel1.Client.LingerState = new LingerOption(true, 0);
            channel1.Close();
            await Task.WhenAny(Task.WhenAll(drainMain, drain0), Task.Delay(TimeSpan.FromSeconds(30)));
        });

        var migration = new MigrationSource(source, guest, new MigrationParameters { Channels = 2 }) { IdleTimeout = TimeSpan.FromSeconds(10) };
        var e = Assert.Throws<IOException>(() => migration.Migrate("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port));

        Assert.Contains("multifd channel 1 failed", e.Message, StringComparison.Ordinal);
        Assert.True(guest.IsRunning);
        Assert.Null(source.RamSection.MultifdSender);
        await fake.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
