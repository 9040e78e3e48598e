using System.Diagnostics;
using VmState.Qemu.E1000;
using VmState.Ram;

namespace SampleMachine.Machine;

/// <summary>
/// A deterministic (seeded) guest: on its own thread it writes RAM pages at a set rate, sends and receives packets
/// through the NIC's descriptor rings in guest RAM, and (when the machine has one) steps the CPU. <see cref="Pause"/>
/// stops it between two steps, so the machine can be saved consistently; <see cref="Throttle"/> holds it back a
/// fraction of the time (auto-converge).
/// </summary>
public sealed class GuestWorkload : IDisposable
{
    private const int RingDescriptors = 64;
    private const long TxRing = 0x10000;
    private const long RxRing = 0x11000;
    private const long TxBuffers = 0x20000;
    private const long RxBuffers = 0x60000;
    private const long DataStart = 0x100000;

    /// <summary>The least RAM the workload runs in: its rings and buffers below 1 MiB, then 16 pages of data.</summary>
    public const long MinMemory = DataStart + (RamBlock.PageSize * 16);

    private readonly VirtualMachine _machine;
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _running = new(false);
    private readonly Thread _thread;
    private ulong _rng;
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
        _rng = seed | 1;
        DirtyPagesPerSecond = dirtyPagesPerSecond;
        _machine.Nic.SetUpRings(TxRing, RxRing, RingDescriptors);
        WriteDescriptors();
        _thread = new Thread(Run) { IsBackground = true, Name = "guest" };
        _thread.Start();
    }

    /// <summary>Pages written per second while running (before throttling).</summary>
    public double DirtyPagesPerSecond { get; set; }

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

    // One guest step: dirty one page; every 16th step also moves a packet each way through the NIC.
    private void StepOnce()
    {
        RamBlock ram = _machine.Ram;
        long pages = (ram.Length - DataStart) / RamBlock.PageSize;
        ulong r = Next();
        long page = (long)(r % (ulong)pages);
        Span<byte> chunk = stackalloc byte[64];
        for (int i = 0; i < chunk.Length; i += 8)
        {
            BitConverter.TryWriteBytes(chunk[i..], Next());
        }

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

    private ulong Next()
    {
        // xorshift64*: tiny and deterministic for a seed.
        _rng ^= _rng >> 12;
        _rng ^= _rng << 25;
        _rng ^= _rng >> 27;
        return _rng * 0x2545F4914F6CDD1DUL;
    }
}
