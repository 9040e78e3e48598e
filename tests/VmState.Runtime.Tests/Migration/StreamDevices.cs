using VmState.Description;

namespace VmState.Runtime.Tests.Migration;

[System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0111", Justification = "The stream tests need a version range to accept and refuse.")]
[VmState("mig-dev", Version = 3, MinimumVersion = 2)]
[Subsection("mig-dev/extra")]
public partial class MigDev
{
    [VmStateField("a")] public uint A;
    [VmStateField("buf", Length = 16)] public byte[] Buf = new byte[16];
    [VmStateField("e", Subsection = "mig-dev/extra")] public ushort E;
    public bool ExtraNeeded;

    [Needed("mig-dev/extra")]
    private bool IsExtraNeeded() => ExtraNeeded;
}

[VmState("blocker", Unmigratable = true)]
public partial class Blocker
{
    [VmStateField("x")] public int X;
}

[VmState("iommu", Priority = MigrationPriority.Iommu)]
public partial class Iommu
{
    [VmStateField("x")] public int X;
}

[VmState("early", EarlySetup = true)]
public partial class EarlyDev
{
    [VmStateField("x")] public int X;
}
