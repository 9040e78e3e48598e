namespace VmState.Description;

/// <summary>
/// QEMU's <c>MigrationPriority</c>: sections with a numerically higher priority are saved (and so loaded) first;
/// within one priority registration order is kept.
/// </summary>
public enum MigrationPriority
{
    /// <summary><c>MIG_PRI_DEFAULT</c>.</summary>
    Default = 0,
    /// <summary><c>MIG_PRI_IOMMU</c>: before the devices behind it.</summary>
    Iommu = 1,
    /// <summary><c>MIG_PRI_PCI_BUS</c>: before the devices on it.</summary>
    PciBus = 2,
    /// <summary><c>MIG_PRI_VIRTIO_MEM</c>.</summary>
    VirtioMem = 3,
    /// <summary><c>MIG_PRI_GICV3_ITS</c>.</summary>
    Gicv3Its = 4,
    /// <summary><c>MIG_PRI_GICV3</c>.</summary>
    Gicv3 = 5,
    /// <summary><c>MIG_PRI_MAX</c>.</summary>
    Max = 6,
}
