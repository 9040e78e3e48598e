using System.Reflection;
using VmState.Description;

namespace VmState.Qemu.Tests;

/// <summary>
/// The library's described types found by reflection, by description name, so that a new device file is tested as
/// soon as it exists. A type whose state depends on the machine has a public static <c>ForMachine(string)</c>
/// ("pc" or "q35"); any other is made with its public parameterless constructor, which is QEMU's default device.
/// </summary>
internal static class Library
{
    public static readonly Assembly Assembly = typeof(VmState.Qemu.Isa.Port92).Assembly;

    private static readonly Lazy<IReadOnlyDictionary<string, Type>> Types = new(() =>
    {
        var byName = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (Type t in Assembly.GetExportedTypes().Where(t => !t.IsAbstract && typeof(IVmStateObject).IsAssignableFrom(t)))
        {
            string name = DescriptionOf(t).Name;
            if (byName.TryGetValue(name, out Type? other))
            {
                throw new InvalidOperationException($"Two library types describe '{name}': {other} and {t}");
            }

            byName[name] = t;
        }

        return byName;
    });

    private static readonly Lazy<IReadOnlyDictionary<string, Type>> StateTypes = new(() =>
        Assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && typeof(VmState.Migration.StateSectionHandler).IsAssignableFrom(t))
            .ToDictionary(t => (string)t.GetField("IdStr", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!, StringComparer.Ordinal));

    /// <summary>The library's hand-written (old-style) section handler for <paramref name="idStr"/>, or null.</summary>
    public static Type? FindState(string idStr) => StateTypes.Value.GetValueOrDefault(idStr);

    /// <summary>The library type described as <paramref name="vmsdName"/>, or null.</summary>
    public static Type? Find(string vmsdName) => Types.Value.GetValueOrDefault(vmsdName);

    public static VmStateDescription DescriptionOf(Type t) =>
        (VmStateDescription)t.GetProperty(nameof(IVmStateObject.VmStateDescription), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>The device as the named machine ("pc", "q35") configures it.</summary>
    public static IVmStateObject Create(Type t, string machine)
    {
        MethodInfo? factory = t.GetMethod("ForMachine", BindingFlags.Public | BindingFlags.Static, [typeof(string)]);
        object device = factory is not null ? factory.Invoke(null, [machine])! : Activator.CreateInstance(t)!;
        return (IVmStateObject)device;
    }
}
