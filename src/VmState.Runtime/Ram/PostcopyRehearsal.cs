using VmState.Migration;
using VmState.Wire;

namespace VmState.Ram;

/// <summary>
/// A whole postcopy migration of a scratch machine (a few pages of RAM, no devices) saved and loaded in memory, return
/// path included. Run it ahead of a postcopy migration, on both sides, while the guest still runs: the code of the
/// switch (discards, the package, LISTEN, RUN, requested pages) runs only once per migration, so without this its
/// first-run compilation lands inside the guest's pause (measured: most of a 15 ms pause). Devices are rehearsed by
/// <see cref="VmStateRegistry.RehearseDevices"/>. Nothing outside the scratch machine is touched.
/// </summary>
public static class PostcopyRehearsal
{
    private const int Pages = 8;

    /// <summary>Runs the rehearsal with <paramref name="options"/>' framing (postcopy and the return path on).</summary>
    /// <exception cref="InvalidOperationException">The scratch destination did not end up equal to the scratch source (a bug).</exception>
    public static void Run(MigrationStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options with { Postcopy = true, OpenReturnPath = true };
        using var sourceBlock = new RamBlock("rehearsal", Pages * RamBlock.PageSize);
        using var destinationBlock = new RamBlock("rehearsal", Pages * RamBlock.PageSize);
        for (int p = 1; p < Pages; p += 2)
        {
            sourceBlock.Write((long)p * RamBlock.PageSize, "rehearsal"u8);
        }

        var sourceRam = new RamSection([sourceBlock]);
        var source = new VmStateRegistry();
        source.RegisterLive(RamSection.IdStr, sourceRam, RamSection.SectionVersion);
        var stream = new System.Buffers.ArrayBufferWriter<byte>(64 << 10);
        var saver = new MigrationSaver(source, stream, options);
        try
        {
            saver.SaveStreamSetup();
            saver.SaveStreamIterate(2 * RamBlock.PageSize);
            sourceBlock.Write(0, "again"u8);
            saver.SaveStreamStartPostcopy();
            sourceRam.QueuePageRequest(sourceBlock.Id, (Pages - 1) * RamBlock.PageSize, RamBlock.PageSize);
            saver.SaveStreamIterate(0);
            while (!saver.SaveStreamIterate(RamBlock.PageSize))
            {
            }

            saver.SaveStreamCompletePostcopy();
        }
        finally
        {
            saver.SaveStreamCleanup();
        }

        // The destination's return path, read back as a source reads it.
        using var returnPath = new MemoryStream();
        var writer = new ReturnPathWriter(returnPath);
        var destinationRam = new RamSection([destinationBlock]);
        var destination = new VmStateRegistry();
        destination.RegisterLive(RamSection.IdStr, destinationRam, RamSection.SectionVersion);
        new MigrationLoader(destination, options)
        {
            CommandReceived = writer.OnCommand,
            PostcopyRun = () => writer.RequestPages(destinationBlock.Id, 0, RamBlock.PageSize),
        }.Load(new MemoryStream(stream.WrittenSpan.ToArray(), writable: false));
        writer.Shut(failed: false);
        returnPath.Position = 0;
        var reader = new ReturnPathReader(returnPath);
        while (reader.Read() is not null)
        {
        }

        for (int p = 0; p < Pages; p++)
        {
            if (!sourceBlock.Page(p).SequenceEqual(destinationBlock.Page(p)))
            {
                throw new InvalidOperationException($"The postcopy rehearsal's page {p} differs after the load");
            }
        }
    }
}
