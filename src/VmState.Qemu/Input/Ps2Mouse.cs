using VmState.Description;

namespace VmState.Qemu.Input;

/// <summary>QEMU 7.2's PS/2 mouse behind the i8042 (<c>hw/input/ps2.c</c>, device type "ps2-mouse").</summary>
[VmState("ps2mouse", Version = 2, MinimumVersion = 2, DeviceType = "ps2-mouse")]
public sealed partial class Ps2Mouse
{
    /// <summary>The queue and pending command.</summary>
    [VmStateField("parent_obj")] public Ps2Common ParentObj = new();

    /// <summary>Status byte (remote mode, enabled, 2:1 scaling, buttons).</summary>
    [VmStateField("mouse_status")] public byte Status;
    /// <summary>Resolution code.</summary>
    [VmStateField("mouse_resolution")] public byte Resolution;
    /// <summary>Reports per second.</summary>
    [VmStateField("mouse_sample_rate")] public byte SampleRate;
    /// <summary>Wrap (echo) mode.</summary>
    [VmStateField("mouse_wrap")] public byte Wrap;
    /// <summary>0 standard, 3 IntelliMouse, 4 IntelliMouse Explorer.</summary>
    [VmStateField("mouse_type")] public byte Type;
    /// <summary>Progress through the sample-rate knock sequence that selects the type.</summary>
    [VmStateField("mouse_detect_state")] public byte DetectState;
    /// <summary>Movement not yet reported, x.</summary>
    [VmStateField("mouse_dx")] public int Dx;
    /// <summary>Movement not yet reported, y.</summary>
    [VmStateField("mouse_dy")] public int Dy;
    /// <summary>Wheel movement not yet reported.</summary>
    [VmStateField("mouse_dz")] public int Dz;
    /// <summary>Buttons held.</summary>
    [VmStateField("mouse_buttons")] public byte Buttons;

    [PostLoad]
    private void AfterLoad() => ParentObj.SanitizeQueue();
}
