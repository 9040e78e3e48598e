using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using VmState.Codecs;
using VmState.Description;
using VmState.Wire;

namespace VmState.Benchmarks.Interpreter;

/// <summary>One plan per described type, built on first use and shared by every interpreter that nests it.</summary>
internal static class PlanCache<TObj>
    where TObj : IVmStateObject
{
    private static readonly Lazy<Body<TObj>> s_plan = new(PlanBuilder.Build<TObj>);

    public static Body<TObj> Plan => s_plan.Value;
}

/// <summary>
/// Binds a type's run-time description to its members by reflection and compiles the accessors, once. Everything
/// slow (attribute lookup, matching, codec choice, expression compilation) happens here, never on save or load.
/// </summary>
internal static class PlanBuilder
{
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
    private const BindingFlags AnyMethod = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    // The codecs a description names by type name; a field's own [VmStateField(Codec = ...)] takes precedence.
    private static readonly Type[] s_runtimeCodecs = typeof(UInt32Codec).Assembly.GetTypes()
        .Where(t => t.IsValueType && CodecValueType(t) is not null)
        .ToArray();

    private sealed class FieldSite(MemberInfo member, VmStateFieldAttribute attribute)
    {
        public MemberInfo Member { get; } = member;
        public VmStateFieldAttribute Attribute { get; } = attribute;
        public Type Type { get; } = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
        public string Name => Attribute.Name ?? Member.Name;
        public bool Used { get; set; }
    }

    private sealed class UnusedSite(UnusedAttribute attribute)
    {
        public UnusedAttribute Attribute { get; } = attribute;
        public bool Used { get; set; }
    }

    private sealed class TypeMembers
    {
        public List<FieldSite> Fields { get; } = [];
        public List<UnusedSite> Unused { get; } = [];
        public List<(MethodInfo Method, ValidateAttribute Attribute)> Validates { get; } = [];
        public List<(MethodInfo Method, VmStateHookAttribute Attribute)> Hooks { get; } = [];
    }

    public static Body<TObj> Build<TObj>()
        where TObj : IVmStateObject
    {
        TypeMembers members = Collect(typeof(TObj));
        return BuildBody<TObj>(TObj.VmStateDescription, null, members);
    }

    private static TypeMembers Collect(Type type)
    {
        var result = new TypeMembers();

        // Reflection keeps declaration order within fields and within properties (metadata order); matching is by
        // name first, so that order only decides between entries of the same name (mac_reg slices, xmm_regs views).
        IEnumerable<MemberInfo> data = type.GetFields(Members).Where(f => !f.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
            .OrderBy(f => f.MetadataToken).Cast<MemberInfo>()
            .Concat(type.GetProperties(Members).OrderBy(p => p.MetadataToken));
        foreach (MemberInfo m in data.Concat(type.GetMethods(Members).OrderBy(m => m.MetadataToken)))
        {
            foreach (UnusedAttribute u in m.GetCustomAttributes<UnusedAttribute>())
            {
                result.Unused.Add(new UnusedSite(u));
            }

            if (m is MethodInfo method)
            {
                if (method.GetCustomAttribute<ValidateAttribute>() is { } v)
                {
                    result.Validates.Add((method, v));
                }

                foreach (VmStateHookAttribute h in method.GetCustomAttributes<VmStateHookAttribute>())
                {
                    result.Hooks.Add((method, h));
                }

                continue;
            }

            foreach (VmStateFieldAttribute a in m.GetCustomAttributes<VmStateFieldAttribute>())
            {
                result.Fields.Add(new FieldSite(m, a));
            }
        }

        return result;
    }

    private static Body<TObj> BuildBody<TObj>(VmStateDescription description, string? subsection, TypeMembers members)
        where TObj : IVmStateObject
    {
        var body = new Body<TObj>
        {
            Name = description.Name,
            Version = description.Version,
            MinimumVersion = description.MinimumVersion,
            Header = subsection is null ? [] : SubsectionHeader(description),
            Needed = subsection is null ? null : Hook<TObj, NeededAttribute>(members, subsection),
            PreSave = Hook<TObj, PreSaveAttribute>(members, subsection),
            PostSave = Hook<TObj, PostSaveAttribute>(members, subsection),
            PreLoad = Hook<TObj, PreLoadAttribute>(members, subsection),
            PostLoad = Hook<TObj, PostLoadAttribute>(members, subsection),
        };

        body.Steps = description.Fields.Select(f => BuildStep<TObj>(f, subsection, members)).ToArray();
        body.Subsections = description.Subsections.Select(s => BuildBody<TObj>(s, s.Name, members)).ToArray();
        body.SubsectionNames = description.Subsections.Select(s => s.Name).ToArray();
        return body;
    }

    private static byte[] SubsectionHeader(VmStateDescription d)
    {
        byte[] name = Encoding.ASCII.GetBytes(d.Name);
        var header = new byte[2 + name.Length + 4];
        header[0] = (byte)QemuSectionType.Subsection;
        header[1] = checked((byte)name.Length);
        name.CopyTo(header, 2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2 + name.Length), (uint)d.Version);
        return header;
    }

    private static Step<TObj> BuildStep<TObj>(VmStateFieldDescription f, string? subsection, TypeMembers members)
    {
        var step = new Step<TObj> { Name = f.Name, Since = f.Version, Start = f.Start };
        switch (f.Kind)
        {
            case VmStateFieldKind.Unused:
            {
                UnusedSite site = members.Unused.FirstOrDefault(u => !u.Used && u.Attribute.Subsection == subsection
                    && u.Attribute.Size == f.Size && (u.Attribute.Exists is not null) == f.HasExists)
                    ?? throw Unbound(typeof(TObj), f);
                site.Used = true;
                step.Kind = StepKind.Zeros;
                step.Length = f.Size;
                step.Exists = site.Attribute.Exists is { } ue ? Predicate<TObj>(Method(typeof(TObj), ue)) : null;
                return step;
            }

            case VmStateFieldKind.Validate:
            {
                (MethodInfo method, _) = members.Validates.FirstOrDefault(v => v.Attribute.Name == f.Name && v.Attribute.Subsection == subsection);
                step.Kind = StepKind.Validate;
                step.Check = Predicate<TObj>(method ?? throw Unbound(typeof(TObj), f));
                return step;
            }
        }

        FieldSite field = members.Fields.FirstOrDefault(s => !s.Used && Matches(s, f, subsection)) ?? throw Unbound(typeof(TObj), f);
        field.Used = true;
        if (field.Attribute.Path is not null || f.CountField is not null)
        {
            // Not used by the interpreted devices; QEMU's VARRAY/VBUFFER and C-struct paths would be more step kinds.
            throw new NotSupportedException($"{typeof(TObj).Name}.{f.Name}: paths and variable arrays are not interpreted");
        }

        if (field.Attribute.Exists is { } exists)
        {
            step.Exists = Predicate<TObj>(Method(typeof(TObj), exists));
        }

        MemberInfo m = field.Member;
        switch (f.Kind)
        {
            case VmStateFieldKind.Buffer:
                step.Kind = StepKind.Bytes;
                step.Length = f.Size;
                step.GetBytes = Getter<TObj, byte[]>(m);
                return step;

            case VmStateFieldKind.Struct:
            {
                bool isArray = f.Length is not null;
                Type child = isArray ? field.Type.GetElementType()! : field.Type;
                step.Kind = StepKind.Child;
                step.Child = (ChildStep<TObj>)Generic(nameof(MakeStructStep), typeof(TObj), child)
                    .Invoke(null, [m, isArray, f.Start, f.Length ?? 1])!;
                return step;
            }

            case VmStateFieldKind.Tmp:
                step.Kind = StepKind.Child;
                step.Child = (ChildStep<TObj>)Generic(nameof(MakeTmpStep), typeof(TObj), field.Type).Invoke(null, [m])!;
                return step;
        }

        return BuildValue(step, f, field);
    }

    private static Step<TObj> BuildValue<TObj>(Step<TObj> step, VmStateFieldDescription f, FieldSite field)
    {
        MemberInfo m = field.Member;
        bool isArray = f.Length is not null;
        Type element = isArray ? field.Type.GetElementType()! : field.Type;
        Type plain = element.IsEnum ? Enum.GetUnderlyingType(element) : element;
        step.Length = f.Length ?? 1;

        // The plain integer and bool types are switch cases; the codec adds nothing to what the width says.
        if (field.Attribute.Codec is null && IsPlainTypeName(f.TypeName) && PlainSize(plain) == f.Size)
        {
            if (!isArray)
            {
                step.Kind = f.Size switch { 1 => StepKind.Scalar8, 2 => StepKind.Scalar16, 4 => StepKind.Scalar32, _ => StepKind.Scalar64 };
                step.GetScalar = ScalarGetter<TObj>(m);
                step.SetScalar = ScalarSetter<TObj>(m) ?? throw new NotSupportedException($"{typeof(TObj).Name}.{f.Name} cannot be set");
                return step;
            }

            if (plain == typeof(bool))
            {
                step.Kind = StepKind.BoolArray;
                step.GetBools = Getter<TObj, bool[]>(m);
                return step;
            }

            // Same-width signed and enum arrays are read through the unsigned array type: the CLR lets an int[] be
            // used as a uint[] (and an enum array as its underlying one), and the wire only sees the bits.
            switch (f.Size)
            {
                case 1:
                    step.Kind = StepKind.Bytes;
                    step.GetBytes = Getter<TObj, byte[]>(m);
                    return step;
                case 2:
                    step.Kind = StepKind.Array16;
                    step.GetArray16 = Getter<TObj, ushort[]>(m);
                    return step;
                case 4:
                    step.Kind = StepKind.Array32;
                    step.GetArray32 = Getter<TObj, uint[]>(m);
                    return step;
                default:
                    step.Kind = StepKind.Array64;
                    step.GetArray64 = Getter<TObj, ulong[]>(m);
                    return step;
            }
        }

        Type codec = field.Attribute.Codec
            ?? s_runtimeCodecs.FirstOrDefault(c => CodecValueType(c) == element && CodecTypeName(c) == f.TypeName)
            ?? throw new NotSupportedException($"{typeof(TObj).Name}.{f.Name}: no codec '{f.TypeName}' for {element.Name}");
        Type value = CodecValueType(codec)!;
        step.Kind = StepKind.Child;
        step.Child = isArray
            ? (ChildStep<TObj>)Generic(nameof(MakeCodecArrayStep), typeof(TObj), codec, value).Invoke(null, [m, f.Start, f.Length!.Value])!
            : (ChildStep<TObj>)Generic(nameof(MakeCodecStep), typeof(TObj), codec, value).Invoke(null, [m])!;
        return step;
    }

    private static bool Matches(FieldSite s, VmStateFieldDescription f, string? subsection)
    {
        if (s.Name != f.Name || s.Attribute.Subsection != subsection || s.Attribute.Start != f.Start)
        {
            return false;
        }

        if (f.Kind is VmStateFieldKind.Struct or VmStateFieldKind.Tmp && f.Nested is not null)
        {
            // Several views may share one name (env.xmm_regs): the nested description tells them apart.
            Type t = f.Length is not null && s.Type.IsArray ? s.Type.GetElementType()! : s.Type;
            return ReferenceEquals(DescriptionOf(t), f.Nested);
        }

        return true;
    }

    private static VmStateDescription? DescriptionOf(Type t) =>
        typeof(IVmStateObject).IsAssignableFrom(t)
            ? t.GetProperty(nameof(IVmStateObject.VmStateDescription), BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as VmStateDescription
            : null;

    private static bool IsPlainTypeName(string name) =>
        name is "uint8" or "int8" or "uint16" or "int16" or "uint32" or "int32" or "uint64" or "int64" or "bool";

    private static int PlainSize(Type t) =>
        t == typeof(bool) || t == typeof(byte) || t == typeof(sbyte) ? 1
        : t == typeof(ushort) || t == typeof(short) ? 2
        : t == typeof(uint) || t == typeof(int) ? 4
        : t == typeof(ulong) || t == typeof(long) ? 8
        : -1;

    private static Type? CodecValueType(Type codec) =>
        codec.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IVmStateCodec<,>) && i.GetGenericArguments()[0] == codec)
            ?.GetGenericArguments()[1];

    private static string? CodecTypeName(Type codec) =>
        codec.GetProperty("TypeName", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;

    private static InvalidOperationException Unbound(Type type, VmStateFieldDescription f) =>
        new InvalidOperationException($"{type.Name}: description field '{f.Name}' ({f.Kind}) matches no member");

    private static MethodInfo Generic(string name, params Type[] arguments) =>
        typeof(PlanBuilder).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(arguments);

    private static MethodInfo Method(Type type, string name) =>
        type.GetMethods(AnyMethod).FirstOrDefault(m => m.Name == name && m.GetParameters().Length <= 1)
            ?? throw new InvalidOperationException($"{type.Name} has no method {name}");

    // Each hook kind at most once per body; the generator rejects duplicates.
    private static RefPredicate<TObj>? Hook<TObj, THook>(TypeMembers members, string? subsection)
        where THook : VmStateHookAttribute =>
        members.Hooks.Where(h => h.Attribute is THook && h.Attribute.Subsection == subsection)
            .Select(h => Predicate<TObj>(h.Method)).FirstOrDefault();

    // ---- generic step factories, closed over the member's static types by MakeGenericMethod ----

    private static ChildStep<TObj> MakeStructStep<TObj, TChild>(MemberInfo m, bool isArray, int start, int length)
        where TChild : IVmStateObject
    {
        Body<TChild> plan = PlanCache<TChild>.Plan;
        return isArray
            ? new StructStep<TObj, TChild>(plan, null, null, Getter<TObj, TChild[]>(m), start, length)
            : new StructStep<TObj, TChild>(plan, Getter<TObj, TChild>(m), typeof(TChild).IsValueType ? Setter<TObj, TChild>(m) : null, null, 0, 1);
    }

    private static ChildStep<TObj> MakeTmpStep<TObj, TTmp>(MemberInfo m)
        where TTmp : IVmStateObject, IVmStateTmp<TObj> =>
        new TmpStep<TObj, TTmp>(PlanCache<TTmp>.Plan, Getter<TObj, TTmp>(m), typeof(TTmp).IsValueType ? Setter<TObj, TTmp>(m) : null);

    private static ChildStep<TObj> MakeCodecStep<TObj, TCodec, TValue>(MemberInfo m)
        where TCodec : IVmStateCodec<TCodec, TValue> =>
        new CodecStep<TObj, TCodec, TValue>(Getter<TObj, TValue>(m), Setter<TObj, TValue>(m));

    private static ChildStep<TObj> MakeCodecArrayStep<TObj, TCodec, TValue>(MemberInfo m, int start, int length)
        where TCodec : IVmStateCodec<TCodec, TValue> =>
        new CodecArrayStep<TObj, TCodec, TValue>(Getter<TObj, TValue[]>(m), start, length);

    // ---- compiled accessors ----

    private static ParameterExpression ObjectParameter<TObj>() => Expression.Parameter(typeof(TObj).MakeByRefType(), "obj");

    private static MemberExpression Access(Expression obj, MemberInfo m) =>
        m is FieldInfo f ? Expression.Field(obj, f) : Expression.Property(obj, (PropertyInfo)m);

    private static bool CanWrite(MemberInfo m) =>
        m is FieldInfo f ? !f.IsInitOnly && !f.IsLiteral : ((PropertyInfo)m).SetMethod is not null;

    private static RefGetter<TObj, TValue> Getter<TObj, TValue>(MemberInfo m)
    {
        ParameterExpression obj = ObjectParameter<TObj>();
        Expression body = Access(obj, m);
        if (body.Type != typeof(TValue))
        {
            // Only array reinterpretation (int[] as uint[]) gets here; castclass through object allows it.
            body = Expression.Convert(Expression.Convert(body, typeof(object)), typeof(TValue));
        }

        return Expression.Lambda<RefGetter<TObj, TValue>>(body, obj).Compile();
    }

    private static RefSetter<TObj, TValue>? Setter<TObj, TValue>(MemberInfo m)
    {
        if (!CanWrite(m))
        {
            return null;
        }

        ParameterExpression obj = ObjectParameter<TObj>();
        ParameterExpression value = Expression.Parameter(typeof(TValue), "value");
        return Expression.Lambda<RefSetter<TObj, TValue>>(Expression.Assign(Access(obj, m), value), obj, value).Compile();
    }

    private static RefGetter<TObj, ulong> ScalarGetter<TObj>(MemberInfo m)
    {
        ParameterExpression obj = ObjectParameter<TObj>();
        Expression member = Access(obj, m);
        Type t = member.Type;
        Expression body = t == typeof(bool)
            ? Expression.Condition(member, Expression.Constant(1UL), Expression.Constant(0UL))
            : Expression.Convert(t.IsEnum ? Expression.Convert(member, Enum.GetUnderlyingType(t)) : member, typeof(ulong));
        return Expression.Lambda<RefGetter<TObj, ulong>>(body, obj).Compile();
    }

    private static RefSetter<TObj, ulong>? ScalarSetter<TObj>(MemberInfo m)
    {
        if (!CanWrite(m))
        {
            return null;
        }

        ParameterExpression obj = ObjectParameter<TObj>();
        ParameterExpression value = Expression.Parameter(typeof(ulong), "value");
        MemberExpression member = Access(obj, m);
        Type t = member.Type;

        // Narrowing is unchecked, as the generated code's typed reads are: the wire width is the member's.
        Expression converted = t == typeof(bool)
            ? Expression.NotEqual(value, Expression.Constant(0UL))
            : t.IsEnum ? Expression.Convert(Expression.Convert(value, Enum.GetUnderlyingType(t)), t) : Expression.Convert(value, t);
        return Expression.Lambda<RefSetter<TObj, ulong>>(Expression.Assign(member, converted), obj, value).Compile();
    }

    private static RefPredicate<TObj> Predicate<TObj>(MethodInfo method)
    {
        ParameterExpression obj = ObjectParameter<TObj>();
        ParameterExpression version = Expression.Parameter(typeof(int), "versionId");
        Expression[] args = method.GetParameters().Length == 1 ? [version] : [];
        Expression call = method.IsStatic ? Expression.Call(method, args) : Expression.Call(obj, method, args);
        Expression body = method.ReturnType == typeof(bool) ? call : Expression.Block(call, Expression.Constant(true));
        return Expression.Lambda<RefPredicate<TObj>>(body, obj, version).Compile();
    }
}
