using VmState.Generated;
using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// The configuration section (type 0x07): the machine type name and optional subsections, read with QEMU's rules.
/// </summary>
internal static class ConfigurationSection
{
    public const string Name = "configuration";
    public const string TargetPageBits = "configuration/target-page-bits";
    public const string Capabilities = "configuration/capabilities";
    public const string Uuid = "configuration/uuid";

    /// <summary>The longest machine type name read (QEMU's are under 32 bytes).</summary>
    public const int MaxNameLength = 4096;

    private static readonly string[] Subsections = [TargetPageBits, Capabilities, Uuid];

    /// <summary>Reads the body after the type byte and checks it against the local options.</summary>
    public static ConfigurationInfo Load(ref VmStateReader reader, MigrationStreamOptions options)
    {
        long start = reader.Position;
        uint length = reader.ReadUInt32();
        if (length > MaxNameLength)
        {
            // QEMU would allocate whatever the peer claims; no machine type is this long.
            VmStateThrow.LoadFailed($"The machine type name claims {length} bytes, more than the {MaxNameLength} allowed", start);
        }

        reader.EnsureAvailable(length, 1);
        Span<byte> name = length <= 256 ? stackalloc byte[(int)length] : new byte[length];
        reader.ReadBytes(name);
        string machine = System.Text.Encoding.UTF8.GetString(name);
        int? pageBits = null;
        List<string>? capabilities = null;
        byte[]? uuid = null;
        while (VmStateSubsections.TryReadHeader(ref reader, Name, Subsections, out int index, out int version))
        {
            if (version > 1)
            {
                GeneratedThrow.VersionOutOfRange(version, 1, 1, reader.Position - 4);
            }

            switch (index)
            {
                case 0:
                    pageBits = reader.ReadInt32();
                    break;
                case 1:
                    uint count = reader.ReadUInt32();
                    reader.EnsureAvailable(count, 1);
                    capabilities = [];
                    for (uint i = 0; i < count; i++)
                    {
                        capabilities.Add(reader.ReadCountedString());
                    }

                    break;
                default:
                    uuid = new byte[16];
                    reader.ReadBytes(uuid);
                    break;
            }
        }

        if (!string.Equals(machine, options.MachineName, StringComparison.Ordinal))
        {
            VmStateThrow.LoadFailed($"Machine type received is '{PrintableText.Escape(name)}' and local is '{PrintableText.Escape(options.MachineName)}'", start);
        }

        if (pageBits is int bits && options.TargetPageBits is int local && bits != local)
        {
            VmStateThrow.LoadFailed($"Received TARGET_PAGE_BITS is {bits} but local is {local}", start);
        }

        if (capabilities is { Count: > 0 })
        {
            VmStateThrow.LoadFailed($"Capability '{PrintableText.Escape(capabilities[0])}' is on in the source and off here", start);
        }

        return new ConfigurationInfo(machine, pageBits, uuid);
    }
}
