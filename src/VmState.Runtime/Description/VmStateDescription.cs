using System.Collections.Immutable;

namespace VmState.Description;

/// <summary>
/// A description (QEMU's <c>VMStateDescription</c>) as metadata: what the generator emitted code for, kept at run
/// time for schemas, tools and checks.
/// </summary>
public sealed class VmStateDescription
{
    private ImmutableArray<VmStateDescription> _subsections = [];
    private bool? _compressible;

    /// <summary>The description (vmsd) name.</summary>
    public required string Name { get; init; }

    /// <summary>Current version (<c>version_id</c>).</summary>
    public int Version { get; init; }

    /// <summary>Oldest version accepted on load (<c>minimum_version_id</c>).</summary>
    public int MinimumVersion { get; init; }

    /// <summary>Save order among sections.</summary>
    public MigrationPriority Priority { get; init; }

    /// <summary>Blocks migration.</summary>
    public bool Unmigratable { get; init; }

    /// <summary>Saved in the setup phase.</summary>
    public bool EarlySetup { get; init; }

    /// <summary>Has a <see cref="NeededAttribute"/> predicate.</summary>
    public bool HasNeeded { get; init; }

    /// <summary>The key of this description in a <c>-dump-vmstate</c> file (the first, when it has several).</summary>
    public string? DeviceType { get; init; }

    /// <summary>Every key of this description in a <c>-dump-vmstate</c> file when it has more than one; else empty.</summary>
    public ImmutableArray<string> DeviceTypes { get; init; } = [];

    /// <summary>The keys a <c>-dump-vmstate</c> file lists this description under: <see cref="DeviceTypes"/>, else <see cref="DeviceType"/>, else <see cref="Name"/>.</summary>
    public IReadOnlyList<string> DumpKeys => !DeviceTypes.IsDefaultOrEmpty ? DeviceTypes : [DeviceType ?? Name];

    /// <summary>Explicit nested size for <c>-dump-vmstate</c>; 0 when not given.</summary>
    public int ExplicitDumpSize { get; init; }

    /// <summary>The field list, in wire order.</summary>
    public required ImmutableArray<VmStateFieldDescription> Fields { get; init; }

    /// <summary>The subsections, in save order.</summary>
    public ImmutableArray<VmStateDescription> Subsections
    {
        get => _subsections;
        init => _subsections = value;
    }

    /// <summary>See <see cref="VmStateFieldDescription.IsCompressible"/>.</summary>
    public bool IsCompressible => _compressible ??= _subsections.IsEmpty && Fields.All(f => f.IsCompressible);

    /// <summary>Bytes the fields that are always present take on the wire at the current version (variable parts count 0).</summary>
    public int WireSize
    {
        get
        {
            int total = 0;
            foreach (VmStateFieldDescription f in Fields)
            {
                if (f.HasExists || f.Version > Version)
                {
                    continue;
                }

                int element = f.Kind is VmStateFieldKind.Struct or VmStateFieldKind.Tmp ? f.Nested?.WireSize ?? 0 : f.Size;
                total += f.IsVariableArray ? 0 : element * (f.Length ?? 1);
            }

            return total;
        }
    }

    /// <summary>The <c>size</c> a <c>-dump-vmstate</c> file shows for a field of this type.</summary>
    public int DumpSize => ExplicitDumpSize > 0 ? ExplicitDumpSize : WireSize;
}
