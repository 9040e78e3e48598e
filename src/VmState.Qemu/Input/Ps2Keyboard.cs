using VmState.Description;

namespace VmState.Qemu.Input;

/// <summary>QEMU 7.2's PS/2 keyboard behind the i8042 (<c>hw/input/ps2.c</c>, device type "ps2-kbd").</summary>
[VmState("ps2kbd", Version = 3, MinimumVersion = 2, DeviceType = "ps2-kbd")]
// QEMU numbers this subsection 3 although its one field needs no version; kept as shipped.
#pragma warning disable VMS0111
[Subsection(LedStateSubsection, Version = 3, MinimumVersion = 2)]
#pragma warning restore VMS0111
[Subsection(NeedHighBitSubsection)]
[Subsection(ReplyQueueSubsection, Version = 0)]
public sealed partial class Ps2Keyboard
{
    private const string LedStateSubsection = "ps2kbd/ledstate";
    private const string NeedHighBitSubsection = "ps2kbd/need_high_bit";
    private const string ReplyQueueSubsection = "ps2kbd/command_reply_queue";

    /// <summary>The queue and pending command.</summary>
    [VmStateField("parent_obj")] public Ps2Common ParentObj = new();

    /// <summary>Scanning enabled.</summary>
    [VmStateField("scan_enabled")] public int ScanEnabled = 1;

    /// <summary>Translate to scan code set 1 (the controller's XT translation).</summary>
    [VmStateField("translate")] public int Translate;

    /// <summary>Scan code set 1-3 (streams of version 2 imply set 2).</summary>
    [VmStateField("scancode_set", Since = 3)] public int ScancodeSet = 2;

    /// <summary>Keyboard LEDs (scroll, num, caps lock bits).</summary>
    [VmStateField("ledstate", Subsection = LedStateSubsection)] public int LedState;

    /// <summary>The next key code of a two-byte sequence is to get its high bit.</summary>
    [VmStateField("need_high_bit", Subsection = NeedHighBitSubsection)] public bool NeedHighBit;

    [VmStateField("parent_obj.queue.cwptr", Subsection = ReplyQueueSubsection)]
    private int QueueCwptr { get => ParentObj.Cwptr; set => ParentObj.Cwptr = value; }

    [Needed(LedStateSubsection)]
    private bool IsLedStateNeeded() => LedState != 0;

    [Needed(NeedHighBitSubsection)]
    private bool IsNeedHighBitNeeded() => NeedHighBit;

    [Needed(ReplyQueueSubsection)]
    private bool IsReplyQueueNeeded() => ParentObj.Cwptr != -1;

    // A stream without the reply-queue subsection has no replies queued.
    [PreLoad]
    private void BeforeLoad() => ParentObj.Cwptr = -1;

    [PostLoad]
    private void AfterLoad(int versionId)
    {
        if (versionId == 2)
        {
            ScancodeSet = 2;
        }

        ParentObj.SanitizeQueue();
    }
}
