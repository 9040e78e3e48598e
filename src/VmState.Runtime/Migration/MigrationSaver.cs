using System.Buffers.Binary;
using System.Buffers;
using System.Text;
using VmState.Description;
using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// Writes a migration stream in QEMU's format from a registry, in QEMU's phases: <see cref="SaveStreamSetup"/> (header,
/// configuration, early-setup devices, START of live sections), <see cref="SaveStreamIterate"/> (PART sections while the
/// guest runs), <see cref="SaveStreamCompletePrecopy"/> (END sections, every device as FULL, EOF, VMDESCRIPTION), then
/// <see cref="SaveStreamCleanup"/>. <see cref="SaveSnapshot"/> runs all of them for a stopped machine.
/// A postcopy migration (<see cref="MigrationStreamOptions.Postcopy"/>) replaces the completion with
/// <see cref="SaveStreamStartPostcopy"/> (discards, then the device state as one PACKAGED blob that ends in
/// POSTCOPY_RUN), more <see cref="SaveStreamIterate"/> rounds while the guest runs on the destination, and
/// <see cref="SaveStreamCompletePostcopy"/> (END sections and EOF; QEMU sends no VMDESCRIPTION after postcopy).
/// </summary>
public sealed class MigrationSaver
{
    private readonly VmStateRegistry _registry;
    private IBufferWriter<byte> _output;
    private readonly MigrationStreamOptions _options;
    private readonly List<LiveSectionEntry> _live = [];
    private VmDescriptionWriter? _vmdesc;
    private Phase _phase;
    private long _written;

    /// <summary>A saver writing into <paramref name="output"/>.</summary>
    public MigrationSaver(VmStateRegistry registry, IBufferWriter<byte> output, MigrationStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(output);
        _registry = registry;
        _output = output;
        _options = options ?? MigrationStreamOptions.Default;
    }

    private enum Phase
    {
        New,
        Setup,
        Resuming,
        Postcopy,
        Complete,
        Failed,
    }

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten => _written;

    /// <summary>Live sections still iterating (PART sections) in this migration.</summary>
    public int ActiveLiveSections => _live.Count;

    /// <summary>
    /// Writes a whole stream of a stopped machine: setup, iterations until done, completion. Live sections are cut
    /// into PART sections of about <paramref name="partBudget"/> bytes, so a streaming reader never buffers much.
    /// </summary>
    public static long SaveSnapshot(VmStateRegistry registry, IBufferWriter<byte> output, MigrationStreamOptions? options = null, long partBudget = 4 << 20)
    {
        var saver = new MigrationSaver(registry, output, options);
        try
        {
            saver.SaveStreamSetup();
            while (!saver.SaveStreamIterate(partBudget))
            {
            }

            saver.SaveStreamCompletePrecopy();
            return saver.BytesWritten;
        }
        finally
        {
            saver.SaveStreamCleanup();
        }
    }

    /// <summary>Header, configuration, FULL sections of early-setup devices, START sections of live ones.</summary>
    /// <exception cref="VmStateSaveException">A registered device is unmigratable, or a device refused to save.</exception>
    public void SaveStreamSetup()
    {
        Expect(Phase.New);
        _phase = Phase.Failed;
        foreach (SectionEntry e in _registry.Entries)
        {
            if (e.IsUnmigratable)
            {
                throw new VmStateSaveException($"State blocked by non-migratable device '{e.IdStr}'") { Section = e.IdStr };
            }
        }

        if (_options.Postcopy && !_options.OpenReturnPath)
        {
            throw new InvalidOperationException("Postcopy needs the return path (MigrationStreamOptions.OpenReturnPath): the destination asks for pages on it");
        }

        foreach (SectionEntry e in _registry.Entries)
        {
            if (e is LiveSectionEntry live)
            {
                live.Handler.SavePrepare(_options);
            }
        }

        var w = Writer();
        w.WriteUInt32(QemuVmFile.Magic);
        w.WriteUInt32(QemuVmFile.Version);
        if (_options.SendConfiguration)
        {
            WriteConfiguration(ref w);
        }

        if (_options.OpenReturnPath)
        {
            MigrationCommandFrame.Write(ref w, QemuMigrationCommand.OpenReturnPath);
            MigrationCommandFrame.Write(ref w, QemuMigrationCommand.Ping, 1);
        }

        if (_options.Postcopy)
        {
            // QEMU's summary is the OR of every block's page size; all of ours are target pages.
            MigrationCommandFrame.WriteAdvise(ref w, (ulong)_options.TargetPageSize, (ulong)_options.TargetPageSize);
        }

        Flush(ref w);
        if (_options.SendVmDescription)
        {
            _vmdesc = new VmDescriptionWriter();
            _vmdesc.BeginObject();
            _vmdesc.Number("page_size", _options.TargetPageSize);
            _vmdesc.BeginArray("devices");
        }

        foreach (SectionEntry e in _registry.Entries)
        {
            if (e is DeviceSectionEntry device && device.IsEarlySetup && device.IsNeeded())
            {
                SaveDevice(device);
            }
        }

        foreach (SectionEntry e in _registry.Entries)
        {
            if (e is LiveSectionEntry live && live.Handler.IsActive)
            {
                _live.Add(live);
                w = Writer();
                WriteFullHeader(ref w, QemuSectionType.SectionStart, live);
                Guard(live, ref w, static (LiveSectionEntry l, ref VmStateWriter x) => l.Handler.SaveSetup(ref x));
                WriteFooter(ref w, live);
                Flush(ref w);
            }
        }

        _phase = Phase.Setup;
    }

    /// <summary>
    /// The first step of resuming a paused postcopy on a new connection (QEMU's postcopy recovery), instead of
    /// <see cref="SaveStreamSetup"/>: no header; a RECV_BITMAP for every block of every postcopy section, after which the
    /// destination sends each received bitmap on the return path. Pass them to <see cref="SaveStreamResumeBitmap"/>,
    /// then call <see cref="SaveStreamResumeContinue"/>. The live sections' section ids must be the ones the paused
    /// migration used (the same registry layout).
    /// </summary>
    /// <returns>The blocks asked for, each of which must be answered.</returns>
    public IReadOnlyList<string> SaveStreamResumeStart()
    {
        Expect(Phase.New);
        _phase = Phase.Failed;
        var blocks = new List<string>();
        var w = Writer();
        foreach (SectionEntry e in _registry.Entries)
        {
            if (e is LiveSectionEntry live && live.Handler.IsActive && live.Handler.HasPostcopy)
            {
                _live.Add(live);
                live.Handler.SaveResumePrepare();
                foreach (string block in live.Handler.PostcopyBlocks)
                {
                    MigrationCommandFrame.WriteRecvBitmap(ref w, block);
                    blocks.Add(block);
                }
            }
        }

        Flush(ref w);
        _phase = Phase.Resuming;
        return blocks;
    }

    /// <summary>Hands the destination's received bitmap of <paramref name="block"/> to the section that has the block.</summary>
    /// <exception cref="VmStateLoadException">No postcopy section has the block, or the bitmap does not fit it.</exception>
    public void SaveStreamResumeBitmap(string block, ReadOnlySpan<byte> bitmap)
    {
        ArgumentNullException.ThrowIfNull(block);
        Expect(Phase.Resuming);
        foreach (LiveSectionEntry live in _live)
        {
            if (live.Handler.SaveResumeBitmap(block, bitmap))
            {
                return;
            }
        }

        VmStateThrow.LoadFailed($"The destination sent a received bitmap of unknown RAM block '{PrintableText.Escape(block)}'", -1);
    }

    /// <summary>
    /// Writes POSTCOPY_RESUME; once the destination answers RESUME_ACK, <see cref="SaveStreamIterate"/> sends the
    /// rest and <see cref="SaveStreamCompletePostcopy"/> ends the stream, as after a switch.
    /// </summary>
    public void SaveStreamResumeContinue()
    {
        Expect(Phase.Resuming);
        var w = Writer();
        MigrationCommandFrame.Write(ref w, QemuMigrationCommand.PostcopyResume);
        Flush(ref w);
        _phase = Phase.Postcopy;
    }

    /// <summary>
    /// One round of PART sections, one per live section that still has data, each of about <paramref name="budget"/>
    /// bytes at most. Returns true when every live section reported it had nothing left.
    /// </summary>
    public bool SaveStreamIterate(long budget = long.MaxValue)
    {
        if (_phase != Phase.Postcopy)
        {
            Expect(Phase.Setup);
        }

        bool allDone = true;
        foreach (LiveSectionEntry live in _live)
        {
            if (!Iterating(live))
            {
                continue;
            }

            var w = Writer();
            w.WriteUInt8((byte)QemuSectionType.SectionPart);
            w.WriteUInt32((uint)live.SectionId);
            bool done = false;
            try
            {
                done = live.Handler.SaveIterate(ref w, budget);
            }
            catch (VmStateException e) when (Fail(e, live.IdStr))
            {
            }

            WriteFooter(ref w, live);
            Flush(ref w);
            allDone &= done;
        }

        return allDone;
    }

    /// <summary>What the live sections still have to send, cheaply estimated.</summary>
    public PendingBytes SaveStreamPendingEstimate()
    {
        PendingBytes sum = default;
        foreach (LiveSectionEntry live in _live)
        {
            if (Iterating(live))
            {
                sum += live.Handler.SavePendingEstimate();
            }
        }

        return sum;
    }

    /// <summary>What the live sections still have to send, after synchronising their dirty tracking.</summary>
    public PendingBytes SaveStreamPendingExact()
    {
        PendingBytes sum = default;
        foreach (LiveSectionEntry live in _live)
        {
            if (Iterating(live))
            {
                sum += live.Handler.SavePendingExact();
            }
        }

        return sum;
    }

    /// <summary>With the guest stopped: END sections, FULL sections of every other needed device, EOF, VMDESCRIPTION.</summary>
    public void SaveStreamCompletePrecopy()
    {
        Expect(Phase.Setup);
        _phase = Phase.Failed;
        foreach (LiveSectionEntry live in _live)
        {
            WriteEnd(live, postcopy: false);
        }

        foreach (SectionEntry e in _registry.Entries)
        {
            if (e is DeviceSectionEntry device && !device.IsEarlySetup && device.IsNeeded())
            {
                SaveDevice(device);
            }
        }

        var end = Writer();
        end.WriteUInt8((byte)QemuSectionType.Eof);
        if (_vmdesc is not null)
        {
            _vmdesc.EndArray();
            _vmdesc.EndObject();
            byte[] json = Encoding.UTF8.GetBytes(_vmdesc.ToString());
            int padding = VmDescriptionPadding(json.Length);
            end.WriteUInt8((byte)QemuSectionType.VmDescription);
            end.WriteUInt32((uint)(json.Length + padding));
            end.WriteBytes(json);
            for (int i = 0; i < padding; i++)
            {
                end.WriteUInt8((byte)' ');
            }
        }

        Flush(ref end);
        _phase = Phase.Complete;
    }

    /// <summary>The largest PACKAGED blob QEMU takes (16 MiB).</summary>
    public const int MaxPackagedBytes = 1 << 24;

    /// <summary>
    /// With the guest stopped, the switch to postcopy, as QEMU 7.2 writes it: a POSTCOPY_RAM_DISCARD per block and up
    /// to 12 ranges for everything the live sections still have to send (stale or never sent), PING 2, then PACKAGED
    /// with a blob of POSTCOPY_LISTEN, the END of every live section without postcopy, every needed device as FULL,
    /// PING 3 and POSTCOPY_RUN; then PING 4. The destination answers PING 3 once it loaded the devices, just before it
    /// runs the guest. Returns the discarded ranges.
    /// </summary>
    /// <exception cref="VmStateSaveException">A device refused to save, or the blob passed 16 MiB.</exception>
    public IReadOnlyList<PostcopyDiscardRange> SaveStreamStartPostcopy()
    {
        Expect(Phase.Setup);
        if (!_options.Postcopy)
        {
            throw new InvalidOperationException("The stream did not advise postcopy (MigrationStreamOptions.Postcopy)");
        }

        _phase = Phase.Failed;
        var discards = new List<PostcopyDiscardRange>();
        foreach (LiveSectionEntry live in _live)
        {
            if (live.Handler.HasPostcopy)
            {
                live.Handler.SavePostcopyPrepare(discards);
            }
        }

        var w = Writer();
        var ranges = new List<(ulong, ulong)>(MigrationCommandFrame.MaxDiscardRanges);
        for (int i = 0; i < discards.Count;)
        {
            string block = discards[i].Block;
            ranges.Clear();
            while (i < discards.Count && discards[i].Block == block && ranges.Count < MigrationCommandFrame.MaxDiscardRanges)
            {
                ranges.Add((discards[i].Start, discards[i].Length));
                i++;
            }

            MigrationCommandFrame.WriteDiscard(ref w, block, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ranges));
        }

        MigrationCommandFrame.Write(ref w, QemuMigrationCommand.Ping, 2);
        Flush(ref w);

        // The blob follows its 9-byte command frame, so its frames are written at their final stream offsets.
        IBufferWriter<byte> stream = _output;
        long packageAt = _written;
        var blob = new ArrayBufferWriter<byte>(64 << 10);
        _output = blob;
        _written = packageAt + 9;
        try
        {
            w = Writer();
            MigrationCommandFrame.Write(ref w, QemuMigrationCommand.PostcopyListen);
            Flush(ref w);
            foreach (LiveSectionEntry live in _live)
            {
                if (!live.Handler.HasPostcopy)
                {
                    WriteEnd(live, postcopy: false);
                }
            }

            foreach (SectionEntry e in _registry.Entries)
            {
                if (e is DeviceSectionEntry device && !device.IsEarlySetup && device.IsNeeded())
                {
                    SaveDevice(device, describe: false);
                }
            }

            w = Writer();
            MigrationCommandFrame.Write(ref w, QemuMigrationCommand.Ping, 3);
            MigrationCommandFrame.Write(ref w, QemuMigrationCommand.PostcopyRun);
            Flush(ref w);
        }
        finally
        {
            _output = stream;
            _written = packageAt;
        }

        if (blob.WrittenCount > MaxPackagedBytes)
        {
            throw new VmStateSaveException($"Unreasonably large packaged state: {blob.WrittenCount} bytes, more than {MaxPackagedBytes}", packageAt);
        }

        w = Writer();
        MigrationCommandFrame.Write(ref w, QemuMigrationCommand.Packaged, (uint)blob.WrittenCount);
        w.WriteBytes(blob.WrittenSpan);
        MigrationCommandFrame.Write(ref w, QemuMigrationCommand.Ping, 4);
        Flush(ref w);
        _phase = Phase.Postcopy;
        return discards;
    }

    /// <summary>The end of a postcopy migration: END sections of the live sections, then EOF (no VMDESCRIPTION).</summary>
    public void SaveStreamCompletePostcopy()
    {
        Expect(Phase.Postcopy);
        _phase = Phase.Failed;
        foreach (LiveSectionEntry live in _live)
        {
            if (live.Handler.HasPostcopy)
            {
                WriteEnd(live, postcopy: true);
            }
        }

        var end = Writer();
        end.WriteUInt8((byte)QemuSectionType.Eof);
        Flush(ref end);
        _phase = Phase.Complete;
    }

    /// <summary>Lets every live section release what it set up; safe to call after a failure.</summary>
    public void SaveStreamCleanup()
    {
        foreach (LiveSectionEntry live in _live)
        {
            live.Handler.SaveCleanup();
        }

        _live.Clear();
    }

    /// <summary>
    /// Spaces to append to a VMDESCRIPTION of <paramref name="length"/> bytes so that tools can find it. QEMU's
    /// analyzer (and <c>VmDescriptionSkipper.FindVmDescription</c>) locates the JSON as the first '{' after
    /// the stream's last NUL byte; a '{' (0x7b) among the length bytes after their last zero would be taken for it
    /// (one length in 256 ends in 0x7b). Trailing spaces are valid JSON and change nothing else.
    /// </summary>
    internal static int VmDescriptionPadding(int length)
    {
        int padding = 0;
        while (BraceAfterLastZero((uint)(length + padding)))
        {
            padding++;
        }

        return padding;

        static bool BraceAfterLastZero(uint value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            int zero = bytes.LastIndexOf((byte)0);
            return bytes[(zero + 1)..].Contains((byte)'{');
        }
    }

    private delegate void SaveStep(LiveSectionEntry entry, ref VmStateWriter writer);

    private void Guard(LiveSectionEntry live, ref VmStateWriter w, SaveStep step)
    {
        try
        {
            step(live, ref w);
        }
        catch (VmStateException e) when (Fail(e, live.IdStr))
        {
        }
    }

    // An exception filter: a step failed, so the saver cannot go on; names the section and does not catch the error.
    private bool Fail(VmStateException e, string idStr)
    {
        _phase = Phase.Failed;
        return e.InSection(idStr);
    }

    // After the switch to postcopy only the sections that have postcopy still send; the others ended in the package.
    private bool Iterating(LiveSectionEntry live) => _phase != Phase.Postcopy || live.Handler.HasPostcopy;

    private void WriteEnd(LiveSectionEntry live, bool postcopy)
    {
        var w = Writer();
        w.WriteUInt8((byte)QemuSectionType.SectionEnd);
        w.WriteUInt32((uint)live.SectionId);
        if (postcopy)
        {
            Guard(live, ref w, static (LiveSectionEntry l, ref VmStateWriter x) => l.Handler.SaveCompletePostcopy(ref x));
        }
        else
        {
            Guard(live, ref w, static (LiveSectionEntry l, ref VmStateWriter x) => l.Handler.SaveCompletePrecopy(ref x));
        }

        WriteFooter(ref w, live);
        Flush(ref w);
    }

    private void SaveDevice(DeviceSectionEntry device, bool describe = true)
    {
        var w = Writer();
        WriteFullHeader(ref w, QemuSectionType.SectionFull, device);
        try
        {
            device.Save(ref w);
        }
        catch (VmStateException e) when (e.InSection(device.IdStr))
        {
        }

        WriteFooter(ref w, device);
        Flush(ref w);
        if (_vmdesc is not null && describe)
        {
            _vmdesc.BeginObject();
            _vmdesc.String("name", device.IdStr);
            _vmdesc.Number("instance_id", device.InstanceId);
            device.Describe(_vmdesc);
            _vmdesc.EndObject();
        }
    }

    private void WriteConfiguration(ref VmStateWriter w)
    {
        byte[] name = Encoding.UTF8.GetBytes(_options.MachineName);
        w.WriteUInt8((byte)QemuSectionType.Configuration);
        w.WriteUInt32((uint)name.Length);
        w.WriteBytes(name);
        if (_options.TargetPageBits is int bits)
        {
            w.WriteUInt8((byte)QemuSectionType.Subsection);
            w.WriteCountedString(ConfigurationSection.TargetPageBits);
            w.WriteUInt32(1);
            w.WriteUInt32((uint)bits);
        }
    }

    private static void WriteFullHeader(ref VmStateWriter w, QemuSectionType type, SectionEntry e)
    {
        w.WriteUInt8((byte)type);
        w.WriteUInt32((uint)e.SectionId);
        w.WriteCountedString(e.IdStr);
        w.WriteUInt32((uint)e.InstanceId);
        w.WriteUInt32((uint)e.Version);
    }

    private void WriteFooter(ref VmStateWriter w, SectionEntry e)
    {
        if (_options.SendSectionFooter)
        {
            w.WriteUInt8((byte)QemuSectionType.SectionFooter);
            w.WriteUInt32((uint)e.SectionId);
        }
    }

    private VmStateWriter Writer() => new(_output, _written);

    private void Flush(ref VmStateWriter w)
    {
        w.Flush();
        _written = w.Position;
    }

    private void Expect(Phase phase)
    {
        if (_phase != phase)
        {
            throw new InvalidOperationException($"The saver is in phase {_phase}; this step needs {phase}");
        }
    }
}
