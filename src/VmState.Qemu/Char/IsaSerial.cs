using VmState.Codecs;
using VmState.Description;

namespace VmState.Qemu.Char;

/// <summary>
/// QEMU 7.2's 16550A UART on the ISA bus (<c>hw/char/serial-isa.c</c>, device type "isa-serial"): COM1 of a machine
/// with default devices. One struct field holds the UART state, whose description has the section's name too.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0111", Justification = "QEMU's version of the ISA wrapper follows its UART's, which loads at its own version.")]
[VmState("serial", Version = 3, MinimumVersion = 2, DeviceType = "isa-serial")]
public sealed partial class IsaSerial
{
    /// <summary>The UART.</summary>
    [VmStateField("state")] public SerialState State = new();
}

/// <summary>The 16550A UART state (<c>SerialState</c>, C sizeof 656).</summary>
[VmState("serial", Version = 3, MinimumVersion = 2, DumpSize = 656)]
[Subsection(ThrIpendingSubsection)]
[Subsection(TsrSubsection)]
[Subsection(RecvFifoSubsection)]
[Subsection(XmitFifoSubsection)]
[Subsection(FifoTimeoutSubsection)]
[Subsection(TimeoutIpendingSubsection)]
[Subsection(PollSubsection)]
public sealed partial class SerialState
{
    /// <summary>Bytes of each FIFO (the 16550A's 16).</summary>
    public const int FifoLength = 16;

    private const string ThrIpendingSubsection = "serial/thr_ipending";
    private const string TsrSubsection = "serial/tsr";
    private const string RecvFifoSubsection = "serial/recv_fifo";
    private const string XmitFifoSubsection = "serial/xmit_fifo";
    private const string FifoTimeoutSubsection = "serial/fifo_timeout_timer";
    private const string TimeoutIpendingSubsection = "serial/timeout_ipending";
    private const string PollSubsection = "serial/poll";

    // IIR's interrupt-id bits, and the id of "transmitter holding register empty".
    private const byte IirId = 0x06;
    private const byte IirThri = 0x02;

    /// <summary>The baud rate divisor latch.</summary>
    [VmStateField("divider", Since = 2)] public ushort Divider = 0x0c;
    /// <summary>Receiver buffer register.</summary>
    [VmStateField("rbr")] public byte Rbr;
    /// <summary>Interrupt enable register.</summary>
    [VmStateField("ier")] public byte Ier;
    /// <summary>Interrupt identification register.</summary>
    [VmStateField("iir")] public byte Iir = 0x01;
    /// <summary>Line control register.</summary>
    [VmStateField("lcr")] public byte Lcr;
    /// <summary>Modem control register.</summary>
    [VmStateField("mcr")] public byte Mcr = 0x08;
    /// <summary>Line status register.</summary>
    [VmStateField("lsr")] public byte Lsr = 0x60;
    /// <summary>Modem status register.</summary>
    [VmStateField("msr")] public byte Msr = 0xb0;
    /// <summary>Scratch register.</summary>
    [VmStateField("scr")] public byte Scr;
    /// <summary>FIFO control register, as migrated (older streams carry none: 0).</summary>
    [VmStateField("fcr_vmstate", Since = 3)] public byte Fcr;

    /// <summary>A THR-empty interrupt is pending; -1 after a load whose stream did not say (derived from IIR).</summary>
    [VmStateField("thr_ipending", Subsection = ThrIpendingSubsection)] public int ThrIpending;

    /// <summary>Transmit retries left for the byte in the shift register.</summary>
    [VmStateField("tsr_retry", Subsection = TsrSubsection)] public uint TsrRetry;
    /// <summary>Transmitter holding register.</summary>
    [VmStateField("thr", Subsection = TsrSubsection)] public byte Thr;
    /// <summary>Transmitter shift register.</summary>
    [VmStateField("tsr", Subsection = TsrSubsection)] public byte Tsr;

    /// <summary>The receive FIFO.</summary>
    [VmStateField("recv_fifo", Subsection = RecvFifoSubsection, Since = 1)] public Fifo8 RecvFifo = new(FifoLength);
    /// <summary>The transmit FIFO.</summary>
    [VmStateField("xmit_fifo", Subsection = XmitFifoSubsection, Since = 1)] public Fifo8 XmitFifo = new(FifoLength);

    /// <summary>The receive FIFO's character timeout.</summary>
    [VmStateField("fifo_timeout_timer", Subsection = FifoTimeoutSubsection)] public VmTimer FifoTimeoutTimer;

    /// <summary>A character timeout interrupt is pending.</summary>
    [VmStateField("timeout_ipending", Subsection = TimeoutIpendingSubsection)] public int TimeoutIpending;

    /// <summary>Modem status lines polled from the backend; -1 when not polled.</summary>
    [VmStateField("poll_msl", Subsection = PollSubsection)] public int PollMsl = -1;
    /// <summary>The modem status poll timer.</summary>
    [VmStateField("modem_status_poll", Subsection = PollSubsection)] public VmTimer ModemStatusPoll;

    private int ExpectedThrIpending => (Iir & IirId) == IirThri ? 1 : 0;

    [Needed(ThrIpendingSubsection)]
    private bool IsThrIpendingNeeded() => ThrIpending != ExpectedThrIpending;

    [Needed(TsrSubsection)]
    private bool IsTsrNeeded() => TsrRetry != 0;

    [Needed(RecvFifoSubsection)]
    private bool IsRecvFifoNeeded() => RecvFifo.Num != 0;

    [Needed(XmitFifoSubsection)]
    private bool IsXmitFifoNeeded() => XmitFifo.Num != 0;

    [Needed(FifoTimeoutSubsection)]
    private bool IsFifoTimeoutNeeded() => FifoTimeoutTimer.IsArmed;

    [Needed(TimeoutIpendingSubsection)]
    private bool IsTimeoutIpendingNeeded() => TimeoutIpending != 0;

    [Needed(PollSubsection)]
    private bool IsPollNeeded() => PollMsl >= 0;

    // What the stream does not say keeps QEMU's meaning: THR pending as IIR shows it, the modem lines not polled.
    [PreLoad]
    private void BeforeLoad()
    {
        ThrIpending = -1;
        PollMsl = -1;
    }

    [PostLoad]
    private void AfterLoad()
    {
        if (ThrIpending == -1)
        {
            ThrIpending = ExpectedThrIpending;
        }
    }
}

/// <summary>QEMU's byte FIFO (<c>Fifo8</c>, C sizeof 24): a ring of <see cref="Capacity"/> bytes, fixed by the device.</summary>
[VmState("Fifo8", Version = 1, MinimumVersion = 1, DumpSize = 24)]
public sealed partial class Fifo8
{
    /// <summary>A FIFO of <paramref name="capacity"/> bytes.</summary>
    public Fifo8(int capacity)
    {
        Capacity = (uint)capacity;
        Data = new byte[capacity];
    }

    /// <summary>Its size, the device's own (not migrated).</summary>
    public uint Capacity { get; }

    /// <summary>The ring.</summary>
    [VmStateField("data", Count = nameof(Capacity), Since = 1)] public byte[] Data;
    /// <summary>Index of the oldest byte.</summary>
    [VmStateField("head")] public uint Head;
    /// <summary>Bytes held.</summary>
    [VmStateField("num")] public uint Num;
}
