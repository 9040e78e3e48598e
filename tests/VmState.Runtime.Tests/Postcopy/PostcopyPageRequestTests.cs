using System.Net;
using System.Net.Sockets;
using VmState.Migration;
using VmState.Ram;
using VmState.Wire;

namespace VmState.Runtime.Tests.Postcopy;

/// <summary>
/// Postcopy over a real connection, both directions: after POSTCOPY_RUN the destination's guest touches pages that
/// have not arrived; each access waits, is asked for once over the return path (REQ_PAGES_ID, then REQ_PAGES), and is
/// served at the front of the next PART, long before the background pass (two pages per request) would reach it.
/// </summary>
public sealed class PostcopyPageRequestTests
{
    private static readonly int[] Touched = [255, 250, 240, 200, 201, 180];

    [Fact]
    public async Task The_guests_accesses_to_missing_pages_are_requested_and_served_ahead_of_the_background_pass()
    {
        using var source = new PostcopyMachine(seed: 1);
        using var destination = new PostcopyMachine(seed: 0);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var expected = Touched.ToDictionary(p => p, p => source.Ram.Page(p).ToArray());
        var seen = new Dictionary<int, byte[]>();
        PostcopyPages? pages = null;
        Exception? guestError = null;
        Thread? guest = null;
        long queueSeen = 0;
        using var guestDone = new ManualResetEventSlim();

        var destinationTask = Task.Run(() =>
        {
            using TcpClient client = listener.AcceptTcpClient();
            using NetworkStream stream = client.GetStream();
            var returnPath = new ReturnPathWriter(stream);
            destination.RamSection.PostcopyPageRequested = (block, page) =>
                returnPath.RequestPages(block.Id, (ulong)page << RamBlock.PageShift, RamBlock.PageSize);
            MigrationLoadResult result = new MigrationLoader(destination.Registry, PostcopyMachine.Options)
            {
                CommandReceived = returnPath.OnCommand,
                PostcopyRun = () =>
                {
                    pages = destination.Ram.Postcopy;
                    guest = new Thread(() =>
                    {
                        try
                        {
                            byte[] buffer = new byte[RamBlock.PageSize];
                            foreach (int p in Touched)
                            {
                                destination.Ram.Read((long)p * RamBlock.PageSize, buffer);
                                seen[p] = [.. buffer];
                            }

                            // A write to a page the guest waited for stays: no later copy overwrites it.
                            destination.Ram.Write(255L * RamBlock.PageSize, "guest!"u8);
                        }
                        catch (Exception e)
                        {
                            guestError = e;
                        }
                        finally
                        {
                            guestDone.Set();
                        }
                    });
                    guest.Start();
                },
            }.Load(stream);
            guest!.Join();
            returnPath.Shut(failed: false);
            return (result, returnPath.Sent);
        });

        using (var client = new TcpClient { NoDelay = true })
        {
            client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            using NetworkStream stream = client.GetStream();
            var requests = new List<ReturnPathMessage>();
            using var wake = new SemaphoreSlim(0);
            var reader = new ReturnPathReader(stream);
            var readerTask = Task.Run(() =>
            {
                while (reader.Read() is { } message)
                {
                    lock (requests)
                    {
                        requests.Add(message);
                    }

                    if (message.Type is QemuReturnPathMessageType.ReqPages or QemuReturnPathMessageType.ReqPagesId)
                    {
                        source.RamSection.QueuePageRequest(message.Block, message.Start, message.Size);
                        wake.Release();
                    }

                    if (message.Type == QemuReturnPathMessageType.Shut)
                    {
                        return message.Value;
                    }
                }

                return uint.MaxValue;
            });

            var output = new StreamBufferWriter(stream, 64 << 10);
            var saver = new MigrationSaver(source.Registry, output, PostcopyMachine.Options);
            saver.SaveStreamSetup();
            saver.SaveStreamIterate(32 * RamBlock.PageSize);
            saver.SaveStreamStartPostcopy();
            output.Flush();

            // A background pass of two pages per request while the guest runs (so it cannot reach the touched pages
            // however the threads are scheduled), then the rest at once.
            while (!saver.SaveStreamIterate(guestDone.IsSet ? 64 * RamBlock.PageSize : 2 * RamBlock.PageSize))
            {
                output.Flush();
                if (!guestDone.IsSet && WaitHandle.WaitAny([wake.AvailableWaitHandle, guestDone.WaitHandle], 30_000) == 0)
                {
                    wake.Wait();
                    queueSeen++;
                }
            }

            saver.SaveStreamCompletePostcopy();
            output.Flush();
            saver.SaveStreamCleanup();
            client.Client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0u, await readerTask.WaitAsync(TimeSpan.FromSeconds(30)));

            (MigrationLoadResult result, List<ReturnPathMessage> sent) = await destinationTask.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(result.Postcopy);
            Assert.Null(guestError);
            foreach (int p in Touched)
            {
                Assert.Equal(expected[p], seen[p]);
            }

            // Every touched page was asked for once: the first request names the block, the rest do not.
            ReturnPathMessage[] asked = [.. sent.Where(m => m.Type is QemuReturnPathMessageType.ReqPages or QemuReturnPathMessageType.ReqPagesId)];
            Assert.Equal(Touched.Select(p => (ulong)p * RamBlock.PageSize), asked.Select(m => m.Start));
            Assert.Equal(QemuReturnPathMessageType.ReqPagesId, asked[0].Type);
            Assert.Equal("pc.ram", asked[0].Block);
            Assert.All(asked.Skip(1), m => Assert.Equal(QemuReturnPathMessageType.ReqPages, m.Type));
            Assert.Equal(Touched.Length, source.RamSection.PostcopyRequests);
            Assert.Equal(Touched.Length, source.RamSection.PostcopyRequestedPagesSent);
            Assert.True(queueSeen > 0);
            Assert.Equal(Touched.Length, pages!.Faults);
            Assert.Equal(0, pages.Missing);

            // The guest's write survived; every other page equals the source's.
            Assert.True(destination.Ram.Page(255).StartsWith("guest!"u8));
            for (int p = 0; p < PostcopyMachine.Pages; p++)
            {
                if (p != 255)
                {
                    Assert.True(source.Ram.Page(p).SequenceEqual(destination.Ram.Page(p)), $"page {p}");
                }
            }
        }
    }
}
