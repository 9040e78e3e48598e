using VmState.Wire;

namespace VmState.Migration;

/// <summary>
/// A section whose body is written and read by hand rather than from a description (QEMU's old-style
/// <c>save_state</c>/<c>load_state</c> handlers, such as slirp's). It is saved as a FULL section, and the
/// VMDESCRIPTION lists it as one <c>buffer</c> field named <c>data</c> of the bytes it wrote, as QEMU does.
/// Register it with <see cref="VmStateRegistry.RegisterState"/>.
/// </summary>
public abstract class StateSectionHandler
{
    /// <summary>Writes the section body.</summary>
    public abstract void Save(ref VmStateWriter writer);

    /// <summary>
    /// Reads a body written at <paramref name="versionId"/>, taking exactly its bytes: nothing delimits the body but the
    /// handler's own format. Throws <see cref="VmStateLoadException"/> on anything it cannot take.
    /// </summary>
    public abstract void Load(ref VmStateReader reader, int versionId);
}
