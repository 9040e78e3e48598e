using System.Buffers.Binary;
using System.Diagnostics;
using VmState.Qemu.E1000;
using VmState.Ram;

namespace SampleMachine.Machine;

/// <summary>
/// A deterministic (seeded) guest: on its own thread it writes RAM pages at a set rate, sends and receives packets
/// through the NIC's descriptor rings in guest RAM, and (when the machine has one) steps the CPU. <see cref="Pause"/>
/// stops it between two steps, so the machine can be saved consistently; <see cref="Throttle"/> holds it back a
/// fraction of the time (auto-converge).
/// <para>
/// Like a real guest it keeps its own state (random generator, step count, rate) in guest RAM, at
/// <see cref="StatePage"/>, and touches RAM only through <see cref="RamBlock.Read"/> and <see cref="RamBlock.Write"/>:
/// so a migrated machine carries its guest, <see cref="Attach"/> runs it on at the destination (during postcopy its
/// accesses wait for missing pages), and replaying N steps of a copy gives the same state as running them.
/// </para>
/// </summary>
public sealed class GuestWorkload : IDisposable
{
    private const int RingDescriptors = 64;
    private const long TxRing = 0x10000;
    private const long RxRing = 0x11000;
    private const long TxBuffers = 0x20000;
    private const long RxBuffers = 0x60000;
    private const long DataStart = 0x100000;

    /// <summary>Where the guest keeps its state: be64 generator, be64 steps taken, be64 pages a second (IEEE bits).</summary>
    public const long StatePage = 0xF000;

    /// <summary>The least RAM the workload runs in: its rings and buffers below 1 MiB, then 16 pages of data.</summary>
    public const long MinMemory = DataStart + (RamBlock.PageSize * 16);

    private readonly VirtualMachine _machine;
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _running = new(false);
    private readonly Thread _thread;
    private volatile bool _stop;
    private volatile bool _paused = true;
    private double _throttle;

    /// <summary>A workload for <paramref name="machine"/> writing <paramref name="dirtyPagesPerSecond"/> pages a second.</summary>
    public GuestWorkload(VirtualMachine machine, ulong seed, double dirtyPagesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(machine);
        if (machine.Ram.Length < MinMemory)
        {
            throw new ArgumentException("The workload needs at least 1 MiB + 64 KiB of RAM", nameof(machine));
        }

        _machine = machine;
        _dirtyRate = dirtyPagesPerSecond;
        _machine.Nic.SetUpRings(TxRing, RxRing, RingDescriptors);
        WriteDescriptors();
        Span<byte> state = stackalloc byte[24];
        BinaryPrimitives.WriteUInt64BigEndian(state, seed | 1);
        BinaryPrimitives.WriteDoubleBigEndian(state[16..], dirtyPagesPerSecond);
        _machine.Ram.Write(StatePage, state);
        _thread = new Thread(Run) { IsBackground = true, Name = "guest" };
        _thread.Start();
    }

    private GuestWorkload(VirtualMachine machine)
    {
        _machine = machine;
        _dirtyRate = double.NaN;
        _thread = new Thread(Run) { IsBackground = true, Name = "guest" };
        _thread.Start();
    }

    /// <summary>
    /// The guest of a machine that was migrated here, paused: everything it needs is in the machine. Nothing is
    /// read until it runs (its first step reads its state on its own thread), so this may be called where a guest
    /// access would deadlock, e.g. on the thread that receives postcopy's pages.
    /// </summary>
    public static GuestWorkload Attach(VirtualMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return new GuestWorkload(machine);
    }

    private double _dirtyRate;

    /// <summary>Pages written per second while running (before throttling); an attached guest reads it from its state.</summary>
    public double DirtyPagesPerSecond
    {
        get => Volatile.Read(ref _dirtyRate);
        set => Volatile.Write(ref _dirtyRate, value);
    }

    /// <summary>Steps the guest has taken since it was first started, on any machine (read from its state in RAM).</summary>
    public long Steps
    {
        get
        {
            Span<byte> steps = stackalloc byte[8];
            _machine.Ram.Read(StatePage + 8, steps);
            return (long)BinaryPrimitives.ReadUInt64BigEndian(steps);
        }
    }

    /// <summary>Fraction of time the guest is held back, 0 to 0.99.</summary>
    public double Throttle
    {
        get => Volatile.Read(ref _throttle);
        set => Volatile.Write(ref _throttle, Math.Clamp(value, 0, 0.99));
    }

    /// <summary>Pages written since the start.</summary>
    public long PagesWritten => Interlocked.Read(ref _pagesWritten);

    private long _pagesWritten;

    /// <summary>Packets sent through the NIC since the start.</summary>
    public long PacketsSent { get; private set; }

    /// <summary>True while running.</summary>
    public bool IsRunning => !_paused;

    /// <summary>Starts (or resumes) the guest.</summary>
    public void Resume()
    {
        _paused = false;
        _running.Set();
    }

    /// <summary>Stops the guest; when this returns no guest step is in progress and none starts until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        _paused = true;
        _running.Reset();
        lock (_gate)
        {
        }
    }

    /// <summary>Runs <paramref name="steps"/> guest steps on the calling thread (the guest must be paused).</summary>
    public void Step(int steps)
    {
        lock (_gate)
        {
            for (int i = 0; i < steps; i++)
            {
                StepOnce();
            }
        }
    }

    /// <summary>Stops the thread.</summary>
    public void Dispose()
    {
        _stop = true;
        _running.Set();
        _thread.Join();
        _running.Dispose();
    }

    private void Run()
    {
        if (double.IsNaN(DirtyPagesPerSecond))
        {
            // An attached guest: wait to be started, then read its rate (a guest access, so on this thread).
            _running.Wait();
            if (_stop)
            {
                return;
            }

            Span<byte> rate = stackalloc byte[8];
            _machine.Ram.Read(StatePage + 16, rate);
            DirtyPagesPerSecond = BinaryPrimitives.ReadDoubleBigEndian(rate);
        }

        var clock = Stopwatch.StartNew();
        double owed = 0;
        long last = clock.ElapsedTicks;
        while (!_stop)
        {
            if (_paused)
            {
                _running.Wait();
                last = clock.ElapsedTicks;
                continue;
            }

            long now = clock.ElapsedTicks;
            double seconds = (now - last) / (double)Stopwatch.Frequency;
            last = now;
            owed = Math.Min(owed + (seconds * DirtyPagesPerSecond * (1 - Throttle)), 100_000);
            lock (_gate)
            {
                while (owed >= 1 && !_paused)
                {
                    StepOnce();
                    owed--;
                }
            }

            Thread.Sleep(1);
        }
    }

    // One guest step: dirty one page; every 16th step also moves a packet each way through the NIC. The generator and
    // the step count live in guest RAM and are written back before anything else, so the step is whole or not at all
    // as far as a later step can tell.
    private void StepOnce()
    {
        RamBlock ram = _machine.Ram;
        Span<byte> state = stackalloc byte[16];
        ram.Read(StatePage, state);
        ulong rng = BinaryPrimitives.ReadUInt64BigEndian(state);
        long pages = (ram.Length - DataStart) / RamBlock.PageSize;
        ulong r = Next(ref rng);
        long page = (long)(r % (ulong)pages);
        Span<byte> chunk = stackalloc byte[64];
        for (int i = 0; i < chunk.Length; i += 8)
        {
            BitConverter.TryWriteBytes(chunk[i..], Next(ref rng));
        }

        BinaryPrimitives.WriteUInt64BigEndian(state, rng);
        BinaryPrimitives.WriteUInt64BigEndian(state[8..], BinaryPrimitives.ReadUInt64BigEndian(state[8..]) + 1);
        ram.Write(StatePage, state);
        ram.Write(DataStart + (page * RamBlock.PageSize) + (long)(r >> 52 & 0xfc0), chunk);
        Interlocked.Increment(ref _pagesWritten);

        if ((r & 15) == 0)
        {
            Packet(r);
            _machine.Cpu.Step(r);
        }
    }

    private void Packet(ulong r)
    {
        var nic = _machine.Nic;
        RamBlock ram = _machine.Ram;
        uint tdt = nic.MacReg[E1000Registers.Tdt];
        Span<byte> payload = stackalloc byte[60];
        BitConverter.TryWriteBytes(payload, r);
        ram.Write(TxBuffers + (tdt * 2048), payload);
        nic.MacReg[E1000Registers.Tdt] = (tdt + 1) % RingDescriptors;
        PacketsSent += nic.Transmit(ram);

        // The receive ring: give the NIC the descriptor behind the head, then deliver one packet.
        uint rdh = nic.MacReg[E1000Registers.Rdh];
        nic.MacReg[E1000Registers.Rdt] = (rdh + RingDescriptors - 1) % RingDescriptors;
        nic.Receive(ram, payload);
    }

    private void WriteDescriptors()
    {
        Span<byte> desc = stackalloc byte[16];
        for (int i = 0; i < RingDescriptors; i++)
        {
            desc.Clear();
            BitConverter.TryWriteBytes(desc, (ulong)(TxBuffers + (i * 2048)));
            BitConverter.TryWriteBytes(desc[8..], (ushort)60);
            _machine.Ram.Write(TxRing + (i * 16), desc);
            desc.Clear();
            BitConverter.TryWriteBytes(desc, (ulong)(RxBuffers + (i * 2048)));
            _machine.Ram.Write(RxRing + (i * 16), desc);
        }
    }

    private static ulong Next(ref ulong rng)
    {
        // xorshift64*: tiny and deterministic for a seed.
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        return rng * 0x2545F4914F6CDD1DUL;
    }
}
