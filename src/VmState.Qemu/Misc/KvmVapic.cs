using VmState.Description;

namespace VmState.Qemu.Misc;

/// <summary>
/// QEMU 7.2's TPR access optimisation for Windows guests (<c>kvm-tpr-opt</c>, <c>hw/i386/kvmvapic.c</c>, device
/// type <c>kvmvapic</c>): the guest ROM's patch table copied from the guest, and where the ROM and the virtual APIC
/// page are.
/// </summary>
[VmState("kvm-tpr-opt", DeviceType = "kvmvapic")]
public sealed partial class KvmVapic
{
    /// <summary>The option ROM's state block as last read from the guest.</summary>
    [VmStateField("rom_state")]
    public KvmVapicGuestRom RomState { get; } = new();

    /// <summary>0 inactive, 1 ROM found, 2 optimisation enabled.</summary>
    [VmStateField("state")]
    public uint State;

    /// <summary>Guest virtual address of the TPR the patched code accesses.</summary>
    [VmStateField("real_tpr_addr")]
    public uint RealTprAddr;

    /// <summary>Guest virtual address of the ROM's state block.</summary>
    [VmStateField("rom_state_vaddr")]
    public uint RomStateVaddr;

    /// <summary>Guest physical address of the virtual APIC page.</summary>
    [VmStateField("vapic_paddr")]
    public uint VapicPaddr;

    /// <summary>Guest physical address of the ROM's state block.</summary>
    [VmStateField("rom_state_paddr")]
    public uint RomStatePaddr;
}

/// <summary>The state block at the start of the vapic option ROM (<c>kvmvapic-guest-rom</c>).</summary>
[VmState("kvmvapic-guest-rom")]
public sealed partial class KvmVapicGuestRom
{
    /// <summary>Guest virtual address the ROM was linked at.</summary>
    [Unused(8)] // the ROM's signature
    [VmStateField("vaddr")]
    public uint Vaddr;

    /// <summary>Start of the table of instructions to patch.</summary>
    [VmStateField("fixup_start")]
    public uint FixupStart;

    /// <summary>End of that table.</summary>
    [VmStateField("fixup_end")]
    public uint FixupEnd;

    /// <summary>Guest virtual address of the per-CPU virtual APIC area.</summary>
    [VmStateField("vapic_vaddr")]
    public uint VapicVaddr;

    /// <summary>Bytes of that area.</summary>
    [VmStateField("vapic_size")]
    public uint VapicSize;

    /// <summary>log2 of the bytes per CPU in that area.</summary>
    [VmStateField("vcpu_shift")]
    public uint VcpuShift;

    /// <summary>Address of the TPR as the ROM saw it.</summary>
    [VmStateField("real_tpr_addr")]
    public uint RealTprAddr;

    /// <summary>Handlers for a uniprocessor guest.</summary>
    [VmStateField("up")]
    public KvmVapicHandlers Up { get; } = new();

    /// <summary>Handlers for a multiprocessor guest.</summary>
    [VmStateField("mp")]
    public KvmVapicHandlers Mp { get; } = new();
}

/// <summary>Entry points of the ROM's TPR access handlers (<c>kvmvapic-handlers</c>).</summary>
[VmState("kvmvapic-handlers")]
public sealed partial class KvmVapicHandlers
{
    /// <summary>TPR write handler.</summary>
    [VmStateField("set_tpr")]
    public uint SetTpr;

    /// <summary>TPR write handler taking the value in EAX.</summary>
    [VmStateField("set_tpr_eax")]
    public uint SetTprEax;

    /// <summary>TPR read handlers, one per destination register.</summary>
    [VmStateField("get_tpr", Length = 8)]
    public uint[] GetTpr { get; } = new uint[8];

    /// <summary>TPR read handler pushing the value on the stack.</summary>
    [VmStateField("get_tpr_stack")]
    public uint GetTprStack;
}
