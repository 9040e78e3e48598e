namespace VmState.Schema;

/// <summary>
/// The renames QEMU's <c>vmstate-static-checker.py</c> (7.2) forgives, as data: names that changed between QEMU
/// versions without changing what goes on the wire. A rename counts only when both names are in the same list.
/// </summary>
internal static class SchemaCheckRenames
{
    // Keyed by description name for field names, and by section name for description names; any two names of
    // one list match each other.
    private static readonly Dictionary<string, string[]> Names = new(StringComparer.Ordinal)
    {
        ["apic"] = ["timer", "timer_expiry"],
        ["e1000"] = ["dev", "parent_obj"],
        ["ehci"] = ["dev", "pcidev"],
        ["I440FX"] = ["dev", "parent_obj"],
        ["ich9_ahci"] = ["card", "parent_obj"],
        ["ich9-ahci"] = ["ahci", "ich9_ahci"],
        ["ioh3420"] = ["PCIDevice", "PCIEDevice"],
        ["ioh-3240-express-root-port"] =
        [
            "port.br.dev", "parent_obj.parent_obj.parent_obj",
            "port.br.dev.exp.aer_log", "parent_obj.parent_obj.parent_obj.exp.aer_log",
        ],
        ["cirrus_vga"] = ["hw_cursor_x", "vga.hw_cursor_x", "hw_cursor_y", "vga.hw_cursor_y"],
        ["lsiscsi"] = ["dev", "parent_obj"],
        ["mch"] = ["d", "parent_obj"],
        ["pci_bridge"] = ["bridge.dev", "parent_obj", "bridge.dev.shpc", "shpc"],
        ["pcnet"] = ["pci_dev", "parent_obj"],
        ["PIIX3"] = ["pci_irq_levels", "pci_irq_levels_vmstate"],
        ["piix4_pm"] =
        [
            "dev", "parent_obj", "pci0_status", "acpi_pci_hotplug.acpi_pcihp_pci_status[0x0]",
            "pm1a.sts", "ar.pm1.evt.sts", "pm1a.en", "ar.pm1.evt.en",
            "pm1_cnt.cnt", "ar.pm1.cnt.cnt", "tmr.timer", "ar.tmr.timer",
            "tmr.overflow_time", "ar.tmr.overflow_time", "gpe", "ar.gpe",
        ],
        ["rtl8139"] = ["dev", "parent_obj"],
        ["qxl"] = ["num_surfaces", "ssd.num_surfaces"],
        ["usb-ccid"] = ["abProtocolDataStructure", "abProtocolDataStructure.data"],
        ["usb-host"] = ["dev", "parent_obj"],
        ["usb-mouse"] = ["usb-ptr-queue", "HIDPointerEventQueue"],
        ["usb-tablet"] = ["usb-ptr-queue", "HIDPointerEventQueue"],
        ["vmware_vga"] = ["card", "parent_obj"],
        ["vmware_vga_internal"] = ["depth", "new_depth"],
        ["xhci"] = ["pci_dev", "parent_obj"],
        ["x3130-upstream"] = ["PCIDevice", "PCIEDevice"],
        ["xio3130-express-downstream-port"] =
        [
            "port.br.dev", "parent_obj.parent_obj.parent_obj",
            "port.br.dev.exp.aer_log", "parent_obj.parent_obj.parent_obj.exp.aer_log",
        ],
        ["xio3130-downstream"] = ["PCIDevice", "PCIEDevice"],
        ["xio3130-express-upstream-port"] =
        [
            "br.dev", "parent_obj.parent_obj", "br.dev.exp.aer_log", "parent_obj.parent_obj.exp.aer_log",
        ],
        ["spapr_pci"] =
        [
            "dma_liobn[0]", "mig_liobn", "mem_win_addr", "mig_mem_win_addr", "mem_win_size", "mig_mem_win_size",
            "io_win_addr", "mig_io_win_addr", "io_win_size", "mig_io_win_size",
        ],
    };

    // Section (device type) renames; either name finds the other.
    private static readonly (string Old, string New)[] Sections =
    [
        ("ICH9 LPC", "ICH9-LPC"),
        ("e1000-82540em", "e1000"),
    ];

    /// <summary>True when <paramref name="source"/> and <paramref name="destination"/> are equal or a forgiven rename under <paramref name="scope"/>.</summary>
    public static bool Match(string scope, string source, string destination)
    {
        if (source == destination)
        {
            return true;
        }

        return Names.TryGetValue(scope, out string[]? list) && list.Contains(source) && list.Contains(destination);
    }

    /// <summary>
    /// The other name of a renamed section, or <c>""</c> when there is none. The empty string is what the script
    /// then looks up in dest, so a dest section named <c>""</c> stands in for any missing one.
    /// </summary>
    public static string SectionAlias(string section)
    {
        foreach ((string oldName, string newName) in Sections)
        {
            if (oldName == section)
            {
                return newName;
            }

            if (newName == section)
            {
                return oldName;
            }
        }

        return "";
    }
}
