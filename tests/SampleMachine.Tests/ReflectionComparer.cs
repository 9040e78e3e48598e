using System.Collections;
using System.Globalization;
using System.Reflection;
using SampleMachine.Machine;
using VmState.Description;
using VmState.Migration;

namespace SampleMachine.Tests;

/// <summary>
/// Compares two devices member by member through reflection, independently of the generated save/load code: every
/// field or property that carries <see cref="VmStateFieldAttribute"/>, recursing into nested <see cref="VmStateAttribute"/>
/// types and into arrays element by element (only the slice <c>[Start, Start + Length)</c> of a member that names
/// one). A <c>tmp</c> member (<see cref="IVmStateTmp{TParent}"/>) is compared as what it would carry: a fresh
/// temporary filled from each side's parent with <c>FromParent</c>. A member with an <c>Exists</c> predicate is
/// compared only where the predicate holds on both sides (and the predicates must agree).
/// </summary>
internal static class ReflectionComparer
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Compares <paramref name="expected"/> with <paramref name="actual"/>, naming members from <paramref name="root"/>.</summary>
    public static ReflectionComparison Compare(object expected, object actual, string root)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var result = new ReflectionComparison();
        if (expected.GetType() != actual.GetType())
        {
            result.Differences.Add($"{root}: {expected.GetType()} != {actual.GetType()}");
            return result;
        }

        CompareObject(expected.GetType(), expected, actual, root, result);
        return result;
    }

    /// <summary>Compares every described device of two machines, entry by entry in registry order (named by id string).</summary>
    public static ReflectionComparison CompareDevices(VirtualMachine expected, VirtualMachine actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        SectionEntry[] a = expected.Registry.Entries.Where(e => e.Target is IVmStateObject).ToArray();
        SectionEntry[] b = actual.Registry.Entries.Where(e => e.Target is IVmStateObject).ToArray();
        var result = new ReflectionComparison();
        if (!a.Select(e => e.ToString()).SequenceEqual(b.Select(e => e.ToString())))
        {
            result.Differences.Add($"devices: [{string.Join(", ", a.Select(e => e.ToString()))}] != [{string.Join(", ", b.Select(e => e.ToString()))}]");
            return result;
        }

        for (int i = 0; i < a.Length; i++)
        {
            result.Devices++;
            ReflectionComparison one = Compare(a[i].Target, b[i].Target, a[i].IdStr);
            result.Add(one);
        }

        return result;
    }

    /// <summary>The members of <paramref name="type"/> (and its bases) that carry <see cref="VmStateFieldAttribute"/>, in declaration order.</summary>
    public static IEnumerable<(MemberInfo Member, Type Type, VmStateFieldAttribute Field)> DescribedMembers(Type type)
    {
        var chain = new Stack<Type>();
        for (Type? t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            chain.Push(t);
        }

        foreach (Type t in chain)
        {
            foreach (MemberInfo m in t.GetMembers(Instance).OrderBy(m => m.MetadataToken))
            {
                if (m.GetCustomAttribute<VmStateFieldAttribute>() is not { } field)
                {
                    continue;
                }

                switch (m)
                {
                    case FieldInfo f:
                        yield return (f, f.FieldType, field);
                        break;
                    case PropertyInfo p when p.GetMethod is not null:
                        yield return (p, p.PropertyType, field);
                        break;
                    default:
                        throw new InvalidOperationException($"{t}.{m.Name} carries [VmStateField] but cannot be read");
                }
            }
        }
    }

    private static void CompareObject(Type type, object? a, object? b, string path, ReflectionComparison result)
    {
        if (a is null || b is null)
        {
            if (a is not null || b is not null)
            {
                result.Differences.Add($"{path}: {Show(a)} != {Show(b)}");
            }

            return;
        }

        foreach ((MemberInfo member, Type memberType, VmStateFieldAttribute field) in DescribedMembers(type))
        {
            string memberPath = path + "." + member.Name;
            result.Members++;
            result.MemberPaths.Add(memberPath);
            if (field.Exists is { } exists)
            {
                // A member whose Exists predicate is false is not on the wire: only whether it is must agree.
                bool onA = Exists(type, a, exists);
                bool onB = Exists(type, b, exists);
                if (onA != onB)
                {
                    result.Differences.Add($"{memberPath} (exists): {onA} != {onB}");
                }

                if (!onA || !onB)
                {
                    continue;
                }
            }

            if (TmpParent(memberType) is { } parent && parent.IsAssignableFrom(type))
            {
                CompareObject(memberType, FromParent(memberType, parent, a), FromParent(memberType, parent, b), memberPath, result);
                continue;
            }

            CompareValue(memberType, Read(member, a), Read(member, b), memberPath, field, result);
        }
    }

    private static void CompareValue(Type type, object? a, object? b, string path, VmStateFieldAttribute? field, ReflectionComparison result)
    {
        if (type.IsArray)
        {
            if (a is not Array x || b is not Array y)
            {
                if (a is not null || b is not null)
                {
                    result.Differences.Add($"{path}: {Show(a)} != {Show(b)}");
                }

                return;
            }

            if (x.Length != y.Length)
            {
                result.Differences.Add($"{path}.Length: {x.Length} != {y.Length}");
                return;
            }

            // A member naming a slice migrates only that slice of the array it returns.
            int start = field?.Start ?? 0;
            int end = field is { Length: > 0 } ? Math.Min(x.Length, start + field.Length) : x.Length;
            Type element = type.GetElementType()!;
            for (int i = start; i < end; i++)
            {
                CompareValue(element, x.GetValue(i), y.GetValue(i), path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", null, result);
            }

            return;
        }

        if (type.GetCustomAttribute<VmStateAttribute>() is not null)
        {
            CompareObject(a?.GetType() ?? type, a, b, path, result);
            return;
        }

        result.Values++;
        if (!Equals(a, b))
        {
            result.Differences.Add($"{path}: {Show(a)} != {Show(b)}");
        }
    }

    private static object? Read(MemberInfo member, object target) => member switch
    {
        FieldInfo f => f.GetValue(target),
        PropertyInfo p => p.GetValue(target),
        _ => throw new InvalidOperationException(member.ToString()),
    };

    // Runs a bool M() or bool M(int versionId) predicate (with the type's own version), as the saver would.
    private static bool Exists(Type type, object target, string name)
    {
        MethodInfo method = type.GetMethod(name, BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{type}.{name} not found");
        object?[] args = method.GetParameters().Length == 1 ? [type.GetCustomAttribute<VmStateAttribute>()!.Version] : [];
        return (bool)method.Invoke(method.IsStatic ? null : target, args)!;
    }

    private static Type? TmpParent(Type type) => type.GetInterfaces()
        .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IVmStateTmp<>))?
        .GetGenericArguments()[0];

    // A fresh temporary filled from the parent, as the generated code builds it before saving.
    private static object FromParent(Type tmpType, Type parentType, object parent)
    {
        object tmp = Activator.CreateInstance(tmpType)!;
        typeof(IVmStateTmp<>).MakeGenericType(parentType).GetMethod(nameof(IVmStateTmp<int>.FromParent))!.Invoke(tmp, [parent]);
        return tmp;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte or sbyte or short or ushort or int or uint or long or ulong => string.Create(CultureInfo.InvariantCulture, $"{value} (0x{value:x})"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable => value.GetType().Name,
        _ => value.ToString() ?? "",
    };
}

/// <summary>What <see cref="ReflectionComparer"/> found: the differing member paths, and how much it looked at.</summary>
internal sealed class ReflectionComparison
{
    /// <summary>"path: expected != actual" for each differing value (array elements by index).</summary>
    public List<string> Differences { get; } = [];

    /// <summary>Every [VmStateField] member visited, by path (array elements of nested types included).</summary>
    public List<string> MemberPaths { get; } = [];

    /// <summary>[VmStateField] members visited.</summary>
    public int Members { get; set; }

    /// <summary>Leaf values compared (each array element counts).</summary>
    public long Values { get; set; }

    /// <summary>Devices compared by <see cref="ReflectionComparer.CompareDevices"/>.</summary>
    public int Devices { get; set; }

    public void Add(ReflectionComparison other)
    {
        Differences.AddRange(other.Differences);
        MemberPaths.AddRange(other.MemberPaths);
        Members += other.Members;
        Values += other.Values;
    }

    /// <summary>A failure message: the first differences.</summary>
    public override string ToString() =>
        $"{Differences.Count} differences over {Members} members and {Values} values:\n" + string.Join("\n", Differences.Take(40));
}
