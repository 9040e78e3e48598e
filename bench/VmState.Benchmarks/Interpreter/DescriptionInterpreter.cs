using System.Diagnostics.CodeAnalysis;
using VmState.Description;
using VmState.Wire;

namespace VmState.Benchmarks.Interpreter;

/// <summary>
/// Saves and loads a described type the way QEMU does: by walking its description at run time rather than running
/// straight-line generated code. The description comes from <c>T.VmStateDescription</c>; since it carries no member
/// accessors, <see cref="Create"/> binds each field to the member that declares it and compiles typed accessors into
/// a flat plan (see <see cref="Body{TObj}"/>). Save and load then only switch over step kinds: no reflection, no
/// boxing, no allocation. It writes exactly the bytes the generated <c>SaveVmState</c> writes, and is a benchmark
/// peer of it. Unlike the generated code it does not name the failing field in errors.
/// </summary>
/// <typeparam name="T">The described type.</typeparam>
public sealed class DescriptionInterpreter<T>
    where T : class, IVmStateObject
{
    private readonly Body<T> _plan;

    private DescriptionInterpreter(Body<T> plan) => _plan = plan;

    /// <summary>Builds (or reuses) the plan for <typeparamref name="T"/> and every type nested in it.</summary>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The factory is per described type by design.")]
    public static DescriptionInterpreter<T> Create() => new(PlanCache<T>.Plan);

    /// <summary>Writes <paramref name="obj"/>'s body at its current version, subsections included.</summary>
    public void Save(T obj, ref VmStateWriter writer)
    {
        ArgumentNullException.ThrowIfNull(obj);
        T local = obj;
        _plan.Save(ref local, ref writer);
    }

    /// <summary>Reads a body written at <paramref name="versionId"/> into <paramref name="obj"/>.</summary>
    public void Load(T obj, ref VmStateReader reader, int versionId)
    {
        ArgumentNullException.ThrowIfNull(obj);
        T local = obj;
        _plan.Load(ref local, ref reader, versionId);
    }
}
