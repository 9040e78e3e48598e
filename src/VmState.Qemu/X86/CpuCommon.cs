using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>
/// The architecture-independent part of a vCPU (QEMU's <c>CPUState</c>, description <c>cpu_common</c>, version 1):
/// whether it is halted and its pending interrupt requests, plus two subsections for a pending exception and a
/// guest crash. QEMU registers it as its own section (id string <c>cpu_common</c>, instance = CPU index), saved just
/// before the <c>cpu</c> section of the same vCPU.
/// </summary>
[VmState("cpu_common", Version = 1, MinimumVersion = 1)]
[Subsection(ExceptionIndexSection, Version = 1)]
[Subsection(CrashOccurredSection, Version = 1)]
public sealed partial class CpuCommon
{
    /// <summary>Interrupt-request bit that was once <c>CPU_INTERRUPT_EXIT</c>; dropped on load as QEMU does.</summary>
    public const uint ObsoleteExitRequest = 0x01;

    /// <summary>A hardware interrupt is pending (<c>CPU_INTERRUPT_HARD</c>).</summary>
    public const uint InterruptHard = 0x02;

    /// <summary>No exception is pending.</summary>
    public const int NoException = -1;

    private const string ExceptionIndexSection = "cpu_common/exception_index";
    private const string CrashOccurredSection = "cpu_common/crash_occurred";

    /// <summary>Non-zero while the vCPU waits for an interrupt (HLT).</summary>
    [VmStateField("halted")]
    public uint Halted;

    /// <summary>Pending <c>CPU_INTERRUPT_*</c> bits.</summary>
    [VmStateField("interrupt_request")]
    public uint InterruptRequest;

    /// <summary>The exception being delivered by the emulator, or <see cref="NoException"/>.</summary>
    [VmStateField("exception_index", Subsection = ExceptionIndexSection, Default = NoException)]
    public int ExceptionIndex = NoException;

    /// <summary>The guest reported a crash (panic device or Hyper-V crash MSRs).</summary>
    [VmStateField("crash_occurred", Subsection = CrashOccurredSection)]
    public bool CrashOccurred;

    /// <summary>True when the vCPU is emulated (TCG), the only case where QEMU sends a pending exception.</summary>
    public bool IsEmulated { get; set; } = true;

    [Needed(ExceptionIndexSection)]
    private bool IsExceptionIndexNeeded() => IsEmulated && ExceptionIndex != NoException;

    [Needed(CrashOccurredSection)]
    private bool IsCrashOccurredNeeded() => CrashOccurred;

    // A stream without the subsection means "no exception pending".
    [PreLoad]
    private void BeforeLoad() => ExceptionIndex = NoException;

    [PostLoad]
    private void AfterLoad() => InterruptRequest &= ~ObsoleteExitRequest;
}
