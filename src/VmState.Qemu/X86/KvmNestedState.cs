using VmState.Description;

namespace VmState.Qemu.X86;

/// <summary>
/// KVM's nested-virtualization state of a vCPU (the kernel's <c>struct kvm_nested_state</c>, description
/// <c>cpu/kvm_nested_state</c>, version 1): a header, then VMX or SVM specifics in subsections. QEMU only sends it
/// under KVM with a nested guest; a TCG machine never does, but the description is kept whole so such streams load.
/// The two VMCS parts are subsections of the VMX part, as in QEMU.
/// </summary>
[VmState("cpu/kvm_nested_state", Version = 1, MinimumVersion = 1, DumpSize = HeaderSize)]
[Subsection(Vmx, Version = 1)]
[Subsection(VmxVmcs12, Version = 1, Parent = Vmx)]
[Subsection(VmxShadowVmcs12, Version = 1, Parent = Vmx)]
[Subsection(Svm, Version = 1)]
public sealed partial class KvmNestedState
{
    /// <summary><c>KVM_STATE_NESTED_FORMAT_VMX</c>.</summary>
    public const ushort FormatVmx = 0;

    /// <summary><c>KVM_STATE_NESTED_FORMAT_SVM</c>.</summary>
    public const ushort FormatSvm = 1;

    /// <summary>Bytes before the format-specific data: flags, format, size and the 120-byte header union.</summary>
    public const int HeaderSize = 128;

    /// <summary>Bytes of a VMCS12 or shadow VMCS12 (<c>KVM_STATE_NESTED_VMX_VMCS_SIZE</c>).</summary>
    public const int VmcsSize = 0x1000;

    /// <summary>Bytes of an SVM VMCB12 (<c>KVM_STATE_NESTED_SVM_VMCB_SIZE</c>).</summary>
    public const int VmcbSize = 0x1000;

    private const string Vmx = "cpu/kvm_nested_state/vmx";
    private const string VmxVmcs12 = "cpu/kvm_nested_state/vmx/vmcs12";
    private const string VmxShadowVmcs12 = "cpu/kvm_nested_state/vmx/shadow_vmcs12";
    private const string Svm = "cpu/kvm_nested_state/svm";

    /// <summary><c>KVM_STATE_NESTED_*</c> flags (guest mode, run pending, event pending).</summary>
    [VmStateField("flags")]
    public ushort StateFlags;

    /// <summary><see cref="FormatVmx"/> or <see cref="FormatSvm"/>.</summary>
    [VmStateField("format")]
    public ushort Format;

    /// <summary>Total bytes of the kernel structure, header included: tells which data parts are present.</summary>
    [VmStateField("size")]
    public uint Size;

    /// <summary>Guest-physical address of the VMXON region; all ones when VMX is off.</summary>
    [VmStateField("hdr.vmx.vmxon_pa", Subsection = Vmx, Default = ulong.MaxValue)]
    public ulong VmxonPa = ulong.MaxValue;

    /// <summary>Guest-physical address of the current VMCS12.</summary>
    [VmStateField("hdr.vmx.vmcs12_pa", Subsection = Vmx, Default = ulong.MaxValue)]
    public ulong Vmcs12Pa = ulong.MaxValue;

    /// <summary>SMM flags of the VMX header.</summary>
    [VmStateField("hdr.vmx.smm.flags", Subsection = Vmx)]
    public ushort VmxSmmFlags;

    /// <summary>The cached VMCS12.</summary>
    [VmStateField("data.vmx[0].vmcs12", Length = VmcsSize, AsArray = true, Subsection = VmxVmcs12)]
    public byte[] Vmcs12 { get; } = new byte[VmcsSize];

    /// <summary>The shadow VMCS12.</summary>
    [VmStateField("data.vmx[0].shadow_vmcs12", Length = VmcsSize, AsArray = true, Subsection = VmxShadowVmcs12)]
    public byte[] ShadowVmcs12 { get; } = new byte[VmcsSize];

    /// <summary>Guest-physical address of the VMCB12.</summary>
    [VmStateField("hdr.svm.vmcb_pa", Subsection = Svm)]
    public ulong VmcbPa;

    /// <summary>The cached VMCB12 control area.</summary>
    [VmStateField("data.svm[0].vmcb12", Length = VmcbSize, AsArray = true, Subsection = Svm)]
    public byte[] Vmcb12 { get; } = new byte[VmcbSize];

    /// <summary>True when the VMX header describes an active VMXON region.</summary>
    [Needed(Vmx)]
    public bool IsVmxNeeded() => Format == FormatVmx && VmxonPa != ulong.MaxValue;

    /// <summary>True when the SVM header is followed by data.</summary>
    [Needed(Svm)]
    public bool IsSvmNeeded() => Format == FormatSvm && Size > HeaderSize;

    // Asked only once the VMX part is saved: each VMCS part goes when the kernel structure is long enough to hold it.
    [Needed(VmxVmcs12)]
    private bool IsVmcs12Needed() => Size > HeaderSize;

    [Needed(VmxShadowVmcs12)]
    private bool IsShadowVmcs12Needed() => Size > HeaderSize + VmcsSize;
}
