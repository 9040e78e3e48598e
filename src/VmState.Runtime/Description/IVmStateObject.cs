using VmState.Wire;

namespace VmState.Description;

/// <summary>
/// What the generator implements for every <see cref="VmStateAttribute"/> type. Call these through
/// <see cref="VmStateSerializer"/> or a stream; they are public so generated types can nest each other.
/// </summary>
public interface IVmStateObject
{
    /// <summary>The type's description metadata (fields, versions, subsections), available at run time.</summary>
    static abstract VmStateDescription VmStateDescription { get; }

    /// <summary>Writes the body (fields, then needed subsections) at the current version.</summary>
    void SaveVmState(ref VmStateWriter writer);

    /// <summary>Reads a body written at <paramref name="versionId"/>, as QEMU's <c>vmstate_load_state</c> does.</summary>
    void LoadVmState(ref VmStateReader reader, int versionId);

    /// <summary>
    /// Writes this instance's VMDESCRIPTION members (<c>vmsd_name</c>, <c>version</c>, <c>fields</c>, <c>subsections</c>)
    /// into <paramref name="json"/> when given, and returns the bytes <see cref="SaveVmState"/> would write now.
    /// </summary>
    int DescribeVmState(VmDescriptionWriter? json);

    /// <summary>Sets every field to its declared default (zero where none is declared).</summary>
    void ResetVmState();

    /// <summary>The type's <see cref="NeededAttribute"/> predicate; true when it has none.</summary>
    bool IsVmStateNeeded();

    /// <summary>The type's <see cref="DevUnplugPendingAttribute"/> predicate; false when it has none.</summary>
    bool IsDevUnplugPending();
}

/// <summary>
/// A temporary state (QEMU's <c>VMSTATE_WITH_TMP</c>): a described type that is filled from its parent before it is
/// saved and applied to the parent after it is loaded. Declare it as a field of the parent; it is named <c>tmp</c>.
/// </summary>
/// <typeparam name="TParent">The described type that holds it.</typeparam>
public interface IVmStateTmp<TParent>
{
    /// <summary>Computes the temporary's fields from the parent, before save.</summary>
    void FromParent(in TParent parent);

    /// <summary>Applies the loaded temporary to the parent, after load.</summary>
    void ToParent(ref TParent parent);
}
