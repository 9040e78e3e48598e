using System.Globalization;
using System.Text;
using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// Reads a QEMU migration stream into a registry, strictly, as QEMU's <c>qemu_loadvm_state</c> does: magic and version,
/// configuration, then sections routed by id string and instance, version windows, footers, commands, EOF and the
/// VMDESCRIPTION. Transactional: every device touched is snapshotted first and every live section can roll back, so
/// a load that fails at any byte leaves every registered device exactly as it was.
/// </summary>
public sealed class MigrationLoader
{
    private readonly VmStateRegistry _registry;
    private readonly MigrationStreamOptions _options;
    private Session? _paused;

    /// <summary>A loader for <paramref name="registry"/>; <paramref name="options"/> must match the source's.</summary>
    public MigrationLoader(VmStateRegistry registry, MigrationStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _options = options ?? MigrationStreamOptions.Default;
    }

    /// <summary>Consumes sections that have no registered entry; null (the default) makes them an error, as in QEMU.</summary>
    public IUnknownSectionSkipper? UnknownSections { get; init; }

    /// <summary>How many pieces of work live sections' <see cref="LoadThreads"/> run at once (default 2).</summary>
    public int LoadThreadCount { get; init; } = 2;

    /// <summary>The largest frame buffered when loading from a <see cref="Stream"/> (default 1 GiB).</summary>
    public int MaxStreamedFrame { get; init; } = 1 << 30;

    /// <summary>
    /// The largest VMDESCRIPTION accepted (default 64 MiB; QEMU's are well under 1 MiB, and its analyzer reads only the
    /// last 10 MiB of a stream), checked when its length arrives, before any of it is buffered.
    /// </summary>
    public int MaxVmDescription { get; init; } = 64 << 20;

    /// <summary>
    /// Hears each command the loader takes (OPEN_RETURN_PATH, PING, SWITCHOVER_START), once its frame is read whole,
    /// so a destination can answer on its return path (<see cref="ReturnPathWriter"/>).
    /// </summary>
    public Action<MigrationCommandFrame>? CommandReceived { get; init; }

    /// <summary>
    /// Called when POSTCOPY_RUN arrives: the device state is loaded and final, and the guest should start now; the RAM
    /// it misses follows on the same stream (a guest access to a missing page waits for it, see
    /// <see cref="VmState.Ram.PostcopyPages"/>). From here on a failure cannot roll back (it is
    /// <see cref="VmStateLoadException.PostcopyPaused"/>).
    /// </summary>
    public Action? PostcopyRun { get; init; }

    /// <summary>
    /// A resuming source asked for the received bitmap of a block (RECV_BITMAP): send it on the return path
    /// (<see cref="ReturnPathWriter.SendReceivedBitmap"/>). Called with the block's name and the bitmap in QEMU's layout.
    /// </summary>
    public Action<string, byte[]>? ReceivedBitmapRequested { get; init; }

    /// <summary>
    /// With <see cref="MigrationStreamOptions.SwitchoverAck"/>: called once, as soon as every registered live section
    /// that needs it approves the switchover; answer with <see cref="ReturnPathWriter.SwitchoverAck"/>.
    /// </summary>
    public Action? SwitchoverApproved { get; init; }

    /// <summary>True after a load failed with <see cref="VmStateLoadException.PostcopyPaused"/>: <see cref="Resume"/> can go on.</summary>
    public bool IsPostcopyPaused => _paused is not null;

    /// <summary>
    /// Goes on with the paused postcopy load on a new connection from the resuming source (QEMU's postcopy recovery):
    /// RECV_BITMAP for each block (answered through <see cref="ReceivedBitmapRequested"/>), POSTCOPY_RESUME (answered
    /// with RESUME_ACK through <see cref="CommandReceived"/>), then the rest of the RAM and EOF, as the paused stream
    /// would have gone on. A failure pauses it again, so it can be resumed once more.
    /// </summary>
    /// <exception cref="InvalidOperationException">No load is paused.</exception>
    /// <exception cref="VmStateLoadException">Always <see cref="VmStateLoadException.PostcopyPaused"/>: the stream was bad or cut.</exception>
    public MigrationLoadResult Resume(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Session session = _paused ?? throw new InvalidOperationException("No postcopy load is paused");
        _paused = null;
        return session.Resume(new MigrationInput(stream, MaxStreamedFrame));
    }

    /// <summary>Loads a whole stream held in memory.</summary>
    /// <exception cref="VmStateLoadException">The stream is malformed, truncated or refused; nothing was changed.</exception>
    public MigrationLoadResult Load(ReadOnlyMemory<byte> stream) => new Session(this, new MigrationInput(stream)).Run();

    /// <summary>Loads a stream as it arrives (a socket); it must end after the VMDESCRIPTION, or after EOF without one.</summary>
    /// <exception cref="VmStateLoadException">The stream is malformed, truncated or refused; nothing was changed.</exception>
    public MigrationLoadResult Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new Session(this, new MigrationInput(stream, MaxStreamedFrame)).Run();
    }

    private delegate bool FrameParser(ref VmStateReader reader);

    // Where a postcopy stream is (QEMU's PostcopyState): each command is only valid in its place.
    private enum PostcopyState
    {
        None,
        Advised,
        Listening,
        Running,
    }

    // Where a resumed postcopy stream is: bitmaps are asked for before POSTCOPY_RESUME, pages come after it.
    private enum ResumeStep
    {
        None,
        Bitmaps,
        Resumed,
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its load threads are disposed in the finally of every run (Cleanup).")]
    private sealed class Session
    {
        private readonly MigrationLoader _owner;
        private MigrationInput _input;
        private ResumeStep _resume;
        private readonly Dictionary<int, SectionEntry> _sections = [];
        private readonly Dictionary<int, SectionHeader> _headers = [];
        private readonly Dictionary<int, SectionHeader> _skipped = [];
        private readonly List<DeviceSectionEntry> _touched = [];
        private readonly List<LiveSectionEntry> _started = [];
        private readonly List<string> _warnings = [];
        private ConfigurationInfo? _configuration;
        private string? _vmdesc;
        private int _loaded;
        private int _skippedCount;
        private PostcopyState _postcopy;
        private bool _inPackage;

        public Session(MigrationLoader owner, MigrationInput input)
        {
            _owner = owner;
            _input = input;
        }

        private MigrationStreamOptions Options => _owner._options;

        public MigrationLoadResult Run()
        {
            try
            {
                Frame(ReadHeader);
                if (Options.SendConfiguration)
                {
                    Frame(ReadConfiguration);
                }

                return Body();
            }
            catch (Exception e) when (_postcopy == PostcopyState.Running && e is VmStateLoadException or IOException)
            {
                throw Paused(e);
            }
            finally
            {
                // No worker may write into what is rolled back.
                if (!_committed)
                {
                    _threads?.CancelAndWait();
                }

                // After POSTCOPY_RUN the guest ran on what was loaded: there is nothing to go back to.
                if (_postcopy != PostcopyState.Running && !_committed)
                {
                    Rollback();
                }

                Cleanup();
            }
        }

        public MigrationLoadResult Resume(MigrationInput input)
        {
            _input = input;
            _resume = ResumeStep.Bitmaps;
            _threads = new LoadThreads(Math.Max(1, _owner.LoadThreadCount));
            foreach (LiveSectionEntry live in _started)
            {
                live.Handler.LoadThreads = _threads;
            }

            try
            {
                return Body();
            }
            catch (Exception e) when (e is VmStateLoadException or IOException)
            {
                throw Paused(e);
            }
            finally
            {
                if (!_committed)
                {
                    _threads?.CancelAndWait();
                }

                Cleanup();
            }
        }

        private bool _committed;

        // A failure after POSTCOPY_RUN: the session waits for a resume.
        private VmStateLoadException Paused(Exception e)
        {
            _owner._paused = this;
            if (e is VmStateLoadException { PostcopyPaused: true } paused)
            {
                return paused;
            }

            long at = e is VmStateLoadException load ? load.Offset : _input.Offset;
            return new VmStateLoadException($"Postcopy paused: {e.Message}", at, e) { PostcopyPaused = true };
        }

        private void Cleanup()
        {
            foreach (LiveSectionEntry live in _started)
            {
                live.Handler.LoadCleanup();
                live.Handler.LoadThreads = null;
            }

            _threads?.Dispose();
            _threads = null;
        }

        private bool _switchoverApproved;
        private LoadThreads? _threads;

        // The approval goes once, after the frame that completed it (the return path is open by then).
        private void ApproveSwitchoverWhenReady()
        {
            if (_switchoverApproved || !Options.SwitchoverAck)
            {
                return;
            }

            foreach (SectionEntry e in _owner._registry.Entries)
            {
                if (e is LiveSectionEntry live && live.Handler.LoadSwitchoverAckNeeded && !live.Handler.LoadSwitchoverApproved)
                {
                    return;
                }
            }

            _switchoverApproved = true;
            _owner.SwitchoverApproved?.Invoke();
        }

        private MigrationLoadResult Body()
        {
            while (!Frame(ReadSection))
            {
                ApproveSwitchoverWhenReady();
            }

            if (_resume == ResumeStep.Bitmaps)
            {
                VmStateThrow.LoadFailed("The resumed stream ended before POSTCOPY_RESUME", _input.Offset);
            }

            // The work sections handed to the load threads is part of the load.
            _threads?.WaitAll();

            // QEMU sends no VMDESCRIPTION after postcopy.
            if (_postcopy != PostcopyState.Running)
            {
                Frame(ReadVmDescription);
            }

            Commit();
            _committed = true;
            return new MigrationLoadResult
            {
                Configuration = _configuration,
                FramesLoaded = _loaded,
                FramesSkipped = _skippedCount,
                BytesRead = _input.Offset,
                VmDescription = _vmdesc,
                Postcopy = _postcopy == PostcopyState.Running,
                Warnings = _warnings,
            };
        }

        // Parses one frame; over a stream that has not delivered all of it yet, waits for more and parses it again.
        private bool Frame(FrameParser parse)
        {
            while (true)
            {
                var reader = new VmStateReader(_input.Available, _input.Offset);
                try
                {
                    bool result = parse(ref reader);
                    _input.Consume(reader.Position - _input.Offset);
                    _threads?.Launch();
                    return result;
                }
                catch (VmStateLoadException e) when (e.IsEndOfInput && !_input.AtEnd)
                {
                    _threads?.DropPending();
                    // The frame cannot parse before the bytes it is missing arrive (they belong to this frame, so
                    // the peer sends them without waiting for us): read that many before parsing it again, or a
                    // peer that trickles a big frame a few bytes at a time costs a parse per packet.
                    _input.ReadMore(e.MissingBytes);
                }
            }
        }

        private bool ReadHeader(ref VmStateReader reader)
        {
            uint magic = reader.ReadUInt32();
            if (magic != QemuVmFile.Magic)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Not a migration stream (magic 0x{magic:x8}, expected 0x{QemuVmFile.Magic:x8})"), 0);
            }

            uint version = reader.ReadUInt32();
            if (version == QemuVmFile.VersionCompat)
            {
                VmStateThrow.LoadFailed("SaveVM v2 format is obsolete and no longer supported", 4);
            }

            if (version != QemuVmFile.Version)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unsupported migration stream version {version}"), 4);
            }

            return true;
        }

        private bool ReadConfiguration(ref VmStateReader reader)
        {
            long at = reader.Position;
            byte type = reader.ReadUInt8();
            if (type != (byte)QemuSectionType.Configuration)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Configuration section missing (section type {type})"), at);
            }

            try
            {
                _configuration = ConfigurationSection.Load(ref reader, Options);
            }
            catch (VmStateException e) when (e.InSection(ConfigurationSection.Name))
            {
            }

            return true;
        }

        // Returns true at EOF.
        private bool ReadSection(ref VmStateReader reader)
        {
            long at = reader.Position;
            byte type = reader.ReadUInt8();
            switch ((QemuSectionType)type)
            {
                case QemuSectionType.SectionStart:
                case QemuSectionType.SectionFull:
                    ReadStartOrFull(ref reader, (QemuSectionType)type, at);
                    return false;
                case QemuSectionType.SectionPart:
                case QemuSectionType.SectionEnd:
                    ReadPartOrEnd(ref reader, (QemuSectionType)type, at);
                    return false;
                case QemuSectionType.Command:
                    ReadCommand(ref reader, at);
                    return false;
                case QemuSectionType.Eof:
                    return true;
                default:
                    VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown savevm section type {type}"), at);
                    return true;
            }
        }

        private void ReadStartOrFull(ref VmStateReader reader, QemuSectionType type, long at)
        {
            if (_resume != ResumeStep.None)
            {
                VmStateThrow.LoadFailed("A START or FULL section in a resumed stream: its sections started before the pause", at);
            }

            int sectionId = (int)reader.ReadUInt32();
            string idStr = reader.ReadCountedString();
            int instanceId = (int)reader.ReadUInt32();
            int versionId = (int)reader.ReadUInt32();
            var header = new SectionHeader(type, sectionId, idStr, instanceId, versionId);
            try
            {
                SectionEntry? entry = _owner._registry.Find(idStr, instanceId);
                if (entry is null)
                {
                    if (_owner.UnknownSections is not { } skipper)
                    {
                        VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown savevm section or instance '{PrintableText.Escape(idStr)}' {instanceId}. Make sure that your current VM setup matches your saved VM setup, including any hotplugged devices"), at);
                        return;
                    }

                    skipper.Skip(ref reader, header, type);
                    _skipped[sectionId] = header;
                    _skippedCount++;
                    ReadFooter(ref reader, sectionId, idStr);
                    return;
                }

                if (versionId > entry.Version)
                {
                    VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"savevm: unsupported version {versionId} for '{PrintableText.Escape(idStr)}' v{entry.Version}"), at);
                }

                _sections[sectionId] = entry;
                _headers[sectionId] = header;
                switch (entry)
                {
                    case LiveSectionEntry live:
                        StartLive(live);
                        live.Handler.LoadState(ref reader, versionId);
                        break;
                    case DeviceSectionEntry when _postcopy == PostcopyState.Running:
                        VmStateThrow.LoadFailed($"Device state for '{PrintableText.Escape(idStr)}' after POSTCOPY_RUN: the guest already runs on its state", at);
                        break;
                    case DeviceSectionEntry device when type == QemuSectionType.SectionFull:
                        if (!_touched.Contains(device))
                        {
                            device.LoadSetup();
                            _touched.Add(device);
                        }

                        device.Load(ref reader, versionId);
                        break;
                    default:
                        VmStateThrow.LoadFailed($"Section '{PrintableText.Escape(idStr)}' is a device; it cannot start a live section", at);
                        break;
                }

                _loaded++;
                ReadFooter(ref reader, sectionId, idStr);
            }
            catch (VmStateException e) when (e.InSection(idStr))
            {
            }
        }

        private void ReadPartOrEnd(ref VmStateReader reader, QemuSectionType type, long at)
        {
            int sectionId = (int)reader.ReadUInt32();
            if (_resume == ResumeStep.Bitmaps)
            {
                VmStateThrow.LoadFailed("A section before POSTCOPY_RESUME in a resumed stream", at);
            }

            if (_skipped.TryGetValue(sectionId, out SectionHeader skippedHeader))
            {
                try
                {
                    _owner.UnknownSections!.Skip(ref reader, skippedHeader, type);
                    _skippedCount++;
                    ReadFooter(ref reader, sectionId, skippedHeader.IdStr);
                }
                catch (VmStateException e) when (e.InSection(skippedHeader.IdStr))
                {
                }

                return;
            }

            if (!_sections.TryGetValue(sectionId, out SectionEntry? entry) || entry is not LiveSectionEntry live)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unknown savevm section {sectionId}"), at);
                return;
            }

            try
            {
                AwaitWholePayload(ref reader, live.Handler);
                live.Handler.LoadState(ref reader, _headers[sectionId].VersionId);
                _loaded++;
                ReadFooter(ref reader, sectionId, live.IdStr);
            }
            catch (VmStateException e) when (e.InSection(live.IdStr))
            {
            }
        }

        // Over a stream, waits until the handler's payload has arrived whole when the handler can measure it: a RAM
        // part parsed while it trickles in fails at its end, is parsed again after each packet, and copies its pages
        // again each time.
        private void AwaitWholePayload(ref VmStateReader reader, LiveSectionHandler handler)
        {
            while (!_input.AtEnd)
            {
                long inFrame = reader.Position - _input.Offset;
                ReadOnlySpan<byte> body = _input.Available[(int)inFrame..];
                long need = handler.LoadMeasure(body);
                if (need <= body.Length || inFrame + need > _owner.MaxStreamedFrame)
                {
                    // Unknown (-1), all there, or beyond the frame limit: the parse decides (and names the failure).
                    return;
                }

                _input.ReadMore(need - body.Length);
                reader = new VmStateReader(_input.Available, _input.Offset);
                reader.Skip(inFrame);
            }
        }

        private void ReadCommand(ref VmStateReader reader, long at)
        {
            MigrationCommandFrame command = MigrationCommandFrame.Read(ref reader, at);
            switch (command.Command)
            {
                case QemuMigrationCommand.OpenReturnPath:
                case QemuMigrationCommand.Ping:
                case QemuMigrationCommand.SwitchoverStart:
                    // The stream goes on; a destination with a return path answers through the callback.
                    _owner.CommandReceived?.Invoke(command);
                    break;
                case QemuMigrationCommand.PostcopyAdvise:
                    Advise(command, at);
                    break;
                case QemuMigrationCommand.PostcopyRamDiscard:
                    Discard(command, at);
                    break;
                case QemuMigrationCommand.PostcopyListen:
                    Expect(command, PostcopyState.Advised, at);
                    foreach (LiveSectionEntry live in PostcopySections())
                    {
                        live.Handler.LoadPostcopyListen();
                    }

                    _postcopy = PostcopyState.Listening;
                    break;
                case QemuMigrationCommand.PostcopyRun:
                    Expect(command, PostcopyState.Listening, at);
                    RunGuest();
                    break;
                case QemuMigrationCommand.Packaged:
                    ReadPackage(ref reader, command, at);
                    break;
                case QemuMigrationCommand.RecvBitmap:
                    SendReceivedBitmap(command, at);
                    break;
                case QemuMigrationCommand.PostcopyResume:
                    ExpectResume(command, at);
                    _resume = ResumeStep.Resumed;
                    _owner.CommandReceived?.Invoke(command);
                    break;
                default:
                    VmStateThrow.LoadFailed($"MIG_CMD {command.Name} is not supported by this loader", at);
                    break;
            }
        }

        private void ExpectResume(MigrationCommandFrame command, long at)
        {
            if (_resume != ResumeStep.Bitmaps)
            {
                VmStateThrow.LoadFailed($"{command.Name} outside the start of a resumed postcopy stream", at);
            }
        }

        private void SendReceivedBitmap(MigrationCommandFrame command, long at)
        {
            ExpectResume(command, at);
            foreach (LiveSectionEntry live in PostcopySections())
            {
                if (live.Handler.LoadReceivedBitmap(command.Block!) is { } bitmap)
                {
                    _owner.ReceivedBitmapRequested?.Invoke(command.Block!, bitmap);
                    return;
                }
            }

            VmStateThrow.LoadFailed($"RECV_BITMAP for unknown RAM block '{PrintableText.Escape(command.Block)}'", at);
        }

        private void Expect(MigrationCommandFrame command, PostcopyState state, long at)
        {
            if (_postcopy != state)
            {
                VmStateThrow.LoadFailed($"{command.Name} in the wrong postcopy state: {Describe(_postcopy)}, where it needs {Describe(state)}", at);
            }

            static string Describe(PostcopyState s) => s switch
            {
                PostcopyState.None => "no POSTCOPY_ADVISE came",
                PostcopyState.Advised => "advised",
                PostcopyState.Listening => "listening",
                _ => "the guest runs",
            };
        }

        private void Advise(MigrationCommandFrame command, long at)
        {
            Expect(command, PostcopyState.None, at);
            if (command.Length == 16)
            {
                // Every RAM block here is made of target pages.
                ulong local = (ulong)Options.TargetPageSize;
                if (command.PageSizeSummary != local)
                {
                    VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Postcopy needs matching RAM page sizes (s=0x{command.PageSizeSummary:x} d=0x{local:x})"), at);
                }

                if (command.TargetPageSize != local)
                {
                    VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Postcopy needs matching target page sizes (s={command.TargetPageSize} d={local})"), at);
                }
            }

            foreach (SectionEntry e in _owner._registry.Entries)
            {
                if (e is LiveSectionEntry live && live.Handler.HasPostcopy)
                {
                    StartLive(live);
                    live.Handler.LoadPostcopyAdvise();
                }
            }

            _postcopy = PostcopyState.Advised;
        }

        private void Discard(MigrationCommandFrame command, long at)
        {
            Expect(command, PostcopyState.Advised, at);
            try
            {
                foreach (LiveSectionEntry live in PostcopySections())
                {
                    if (live.Handler.LoadPostcopyDiscard(command))
                    {
                        return;
                    }
                }
            }
            catch (VmStateLoadException e) when (e.Offset < 0)
            {
                throw new VmStateLoadException(e.Message, at, e);
            }

            VmStateThrow.LoadFailed($"POSTCOPY_RAM_DISCARD for unknown RAM block '{PrintableText.Escape(command.Block)}'", at);
        }

        private IEnumerable<LiveSectionEntry> PostcopySections() => _started.Where(l => l.Handler.HasPostcopy);

        // POSTCOPY_RUN: what came so far is final; the guest starts while the rest of its RAM arrives.
        private void RunGuest()
        {
            foreach (DeviceSectionEntry device in _touched)
            {
                device.LoadCommit();
            }

            _touched.Clear();
            foreach (LiveSectionEntry live in _started)
            {
                if (live.Handler.HasPostcopy)
                {
                    live.Handler.LoadPostcopyRun();
                }
                else
                {
                    live.Handler.LoadCommit();
                }
            }

            _started.RemoveAll(l => !l.Handler.HasPostcopy);
            _postcopy = PostcopyState.Running;
            _owner.PostcopyRun?.Invoke();
        }

        // PACKAGED: the blob (read whole before any of it is used) is a stream of frames without a header.
        private void ReadPackage(ref VmStateReader reader, MigrationCommandFrame command, long at)
        {
            if (_inPackage)
            {
                VmStateThrow.LoadFailed("PACKAGED inside a PACKAGED blob", at);
            }

            if (command.Value > MigrationSaver.MaxPackagedBytes)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Unreasonably large packaged state: {command.Value} bytes, more than {MigrationSaver.MaxPackagedBytes}"), at);
            }

            reader.EnsureAvailable(command.Value, 1);
            long blobAt = reader.Position;
            byte[] blob = new byte[command.Value];
            reader.ReadBytes(blob);
            var inner = new VmStateReader(blob, blobAt);
            _inPackage = true;
            try
            {
                while (!inner.End)
                {
                    long frameAt = inner.Position;
                    if (ReadSection(ref inner))
                    {
                        VmStateThrow.LoadFailed("EOF inside the PACKAGED blob", frameAt);
                    }
                }
            }
            catch (VmStateLoadException e) when (e.IsEndOfInput)
            {
                // The blob arrived whole: a frame that runs past it is malformed, not waiting for bytes.
                throw new VmStateLoadException($"A frame runs past the end of the PACKAGED blob of {command.Value} bytes: {e.Message}", e.Offset, e);
            }
            finally
            {
                _inPackage = false;
            }
        }

        private void ReadFooter(ref VmStateReader reader, int sectionId, string idStr)
        {
            if (!Options.SendSectionFooter)
            {
                // Without footers a body that ends exactly at the bytes received so far may still miss subsections.
                if (reader.End && !_input.AtEnd)
                {
                    VmStateThrow.Truncated(reader.Position, 1, 0);
                }

                return;
            }

            long at = reader.Position;
            byte marker = reader.ReadUInt8();
            if (marker != (byte)QemuSectionType.SectionFooter)
            {
                VmStateThrow.LoadFailed($"Missing section footer for {PrintableText.Escape(idStr)} (read 0x{marker:x2})", at);
            }

            int id = (int)reader.ReadUInt32();
            if (id != sectionId)
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"Mismatched section id in footer for {PrintableText.Escape(idStr)} -- read 0x{id:x} expected 0x{sectionId:x}"), at);
            }
        }

        private bool ReadVmDescription(ref VmStateReader reader)
        {
            if (!Options.SendVmDescription)
            {
                return true;
            }

            // The source promised a VMDESCRIPTION: a stream that ends right after EOF was cut short.
            if (reader.End)
            {
                VmStateThrow.Truncated(reader.Position, 1, 0);
            }

            long at = reader.Position;
            byte type = reader.ReadUInt8();
            if (type != (byte)QemuSectionType.VmDescription)
            {
                // QEMU only reports this; the device state is complete.
                _warnings.Add(string.Create(CultureInfo.InvariantCulture, $"Expected vmdescription section, but got {type} at offset {at}"));
                return true;
            }

            uint length = reader.ReadUInt32();
            // Over memory a length past the end is reported as truncation, the more exact error; over a stream the
            // limit is checked before a byte of it is waited for.
            if (length > _owner.MaxVmDescription && !(_input.AtEnd && length > reader.Remaining))
            {
                VmStateThrow.LoadFailed(string.Create(CultureInfo.InvariantCulture, $"The VMDESCRIPTION claims {length} bytes, more than the {_owner.MaxVmDescription}-byte limit"), at);
            }

            reader.EnsureAvailable(length, 1);
            byte[] json = new byte[length];
            reader.ReadBytes(json);
            _vmdesc = Encoding.UTF8.GetString(json);
            return true;
        }

        private void StartLive(LiveSectionEntry live)
        {
            if (!_started.Contains(live))
            {
                _started.Add(live);
                live.Handler.LoadThreads = _threads ??= new LoadThreads(Math.Max(1, _owner.LoadThreadCount));
                live.Handler.LoadSetup();
            }
        }

        private void Commit()
        {
            foreach (DeviceSectionEntry device in _touched)
            {
                device.LoadCommit();
            }

            foreach (LiveSectionEntry live in _started)
            {
                live.Handler.LoadCommit();
            }
        }

        // Every device and live section is rolled back even when one of them fails to: the first failure is
        // rethrown once the others are restored.
        private void Rollback()
        {
            Exception? first = null;
            for (int i = _touched.Count - 1; i >= 0; i--)
            {
                try
                {
                    _touched[i].LoadRollback();
                }
                catch (Exception e)
                {
                    first ??= e;
                }
            }

            for (int i = _started.Count - 1; i >= 0; i--)
            {
                try
                {
                    _started[i].Handler.LoadRollback();
                }
                catch (Exception e)
                {
                    first ??= e;
                }
            }

            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            }
        }
    }
}
