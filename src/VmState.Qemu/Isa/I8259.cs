using VmState.Description;

namespace VmState.Qemu.Isa;

/// <summary>
/// One of QEMU 7.2's two 8259 interrupt controllers (<c>hw/intc/i8259_common.c</c>); the dump lists the one
/// description under the emulated, the KVM and the common device type. A pc has two, instances 0 and 1.
/// </summary>
[VmState("i8259", DeviceTypes = ["kvm-i8259", "pic-common", "isa-i8259"])]
public sealed partial class I8259
{
    /// <summary>IRR as last sampled, for edge detection.</summary>
    [VmStateField("last_irr")] public byte LastIrr;
    /// <summary>Interrupt request register.</summary>
    [VmStateField("irr")] public byte Irr;
    /// <summary>Interrupt mask register.</summary>
    [VmStateField("imr")] public byte Imr;
    /// <summary>In-service register.</summary>
    [VmStateField("isr")] public byte Isr;
    /// <summary>Lowest-priority rotation offset.</summary>
    [VmStateField("priority_add")] public byte PriorityAdd;
    /// <summary>Vector base (ICW2).</summary>
    [VmStateField("irq_base")] public byte IrqBase;
    /// <summary>Whether a read returns ISR (else IRR).</summary>
    [VmStateField("read_reg_select")] public byte ReadRegSelect;
    /// <summary>Poll command pending.</summary>
    [VmStateField("poll")] public byte Poll;
    /// <summary>Special mask mode.</summary>
    [VmStateField("special_mask")] public byte SpecialMask;
    /// <summary>Step of the ICW initialization sequence.</summary>
    [VmStateField("init_state")] public byte InitState;
    /// <summary>Automatic end of interrupt.</summary>
    [VmStateField("auto_eoi")] public byte AutoEoi;
    /// <summary>Rotate priorities on automatic EOI.</summary>
    [VmStateField("rotate_on_auto_eoi")] public byte RotateOnAutoEoi;
    /// <summary>Special fully nested mode.</summary>
    [VmStateField("special_fully_nested_mode")] public byte SpecialFullyNestedMode;
    /// <summary>ICW4 expected.</summary>
    [VmStateField("init4")] public byte Init4;
    /// <summary>Single (not cascaded) mode.</summary>
    [VmStateField("single_mode")] public byte SingleMode;
    /// <summary>Edge/level control register.</summary>
    [VmStateField("elcr")] public byte Elcr;
}
