using System.Runtime.CompilerServices;
using VmState.Generated;
using VmState.Wire;

namespace VmState.Benchmarks.Interpreter;

// Accessors take the object by reference so that one plan shape serves classes and the struct types
// (SegmentCache, FpReg, ...) that are nested inside them as array elements.
internal delegate TValue RefGetter<TObj, TValue>(ref TObj obj);

internal delegate void RefSetter<TObj, TValue>(ref TObj obj, TValue value);

// Hooks, existence tests and needed predicates, all normalised to one shape; a void hook returns true.
internal delegate bool RefPredicate<TObj>(ref TObj obj, int versionId);

/// <summary>What one step does on the wire; the interpreter switches on it.</summary>
internal enum StepKind : byte
{
    // Scalars go through a getter widened to ulong and a setter narrowed from it: the wire only sees the width.
    Scalar8,
    Scalar16,
    Scalar32,
    Scalar64,
    Bytes,
    Array16,
    Array32,
    Array64,
    BoolArray,
    Zeros,
    Validate,
    // Anything a plain switch case cannot do cheaply (nested descriptions, tmp, codecs with their own logic).
    Child,
}

/// <summary>One entry of a flat plan: the description field, bound to its member once.</summary>
internal sealed class Step<TObj>
{
    public StepKind Kind;

    // Load: the field is on the wire only from this incoming version on (0: always).
    public int Since;

    // When set, it alone decides whether the field is on the wire (QEMU's field_exists).
    public RefPredicate<TObj>? Exists;

    public int Start;

    // Element count for arrays, byte count for buffers and padding.
    public int Length;

    public RefGetter<TObj, ulong>? GetScalar;
    public RefSetter<TObj, ulong>? SetScalar;
    public RefGetter<TObj, byte[]>? GetBytes;
    public RefGetter<TObj, ushort[]>? GetArray16;
    public RefGetter<TObj, uint[]>? GetArray32;
    public RefGetter<TObj, ulong[]>? GetArray64;
    public RefGetter<TObj, bool[]>? GetBools;
    public ChildStep<TObj>? Child;

    // A validate step's check (QEMU's VMSTATE_VALIDATE), kept apart from Exists, which only skips.
    public RefPredicate<TObj>? Check;

    // The field name, for Create-time errors and for reading a plan in a debugger.
    public string Name = "";

    public override string ToString() => $"{Kind} {Name}";
}

/// <summary>A step whose work needs the static type of a nested value (struct, tmp, codec).</summary>
internal abstract class ChildStep<TObj>
{
    public abstract void Save(ref TObj obj, ref VmStateWriter writer);

    public abstract void Load(ref TObj obj, ref VmStateReader reader);
}

/// <summary>A description (or subsection) as a flat plan: steps, then subsections, with the hooks around them.</summary>
internal sealed class Body<TObj>
{
    public required string Name { get; init; }
    public int Version { get; init; }
    public int MinimumVersion { get; init; }
    public Step<TObj>[] Steps { get; set; } = [];
    public Body<TObj>[] Subsections { get; set; } = [];
    public string[] SubsectionNames { get; set; } = [];

    // The subsection frame this body is written under (marker, name, version); empty for a top-level body.
    public byte[] Header { get; set; } = [];

    public RefPredicate<TObj>? Needed { get; set; }
    public RefPredicate<TObj>? PreSave { get; set; }
    public RefPredicate<TObj>? PostSave { get; set; }
    public RefPredicate<TObj>? PreLoad { get; set; }
    public RefPredicate<TObj>? PostLoad { get; set; }

    public void Save(ref TObj obj, ref VmStateWriter writer)
    {
        if (PreSave is { } pre && !pre(ref obj, Version))
        {
            GeneratedThrow.HookFailed("pre-save", false, writer.Position);
        }

        if (PostSave is null)
        {
            SaveCore(ref obj, ref writer);
            return;
        }

        try
        {
            SaveCore(ref obj, ref writer);
        }
        finally
        {
            PostSave(ref obj, Version);
        }
    }

    private void SaveCore(ref TObj obj, ref VmStateWriter writer)
    {
        Step<TObj>[] steps = Steps;
        for (int i = 0; i < steps.Length; i++)
        {
            Step<TObj> s = steps[i];
            if (s.Exists is { } exists && !exists(ref obj, Version))
            {
                continue;
            }

            switch (s.Kind)
            {
                case StepKind.Scalar8:
                    writer.WriteUInt8((byte)s.GetScalar!(ref obj));
                    break;
                case StepKind.Scalar16:
                    writer.WriteUInt16((ushort)s.GetScalar!(ref obj));
                    break;
                case StepKind.Scalar32:
                    writer.WriteUInt32((uint)s.GetScalar!(ref obj));
                    break;
                case StepKind.Scalar64:
                    writer.WriteUInt64(s.GetScalar!(ref obj));
                    break;
                case StepKind.Bytes:
                    writer.WriteBytes(VmStateSpans.ForSave(s.GetBytes!(ref obj), s.Start, s.Length));
                    break;
                case StepKind.Array16:
                    writer.WriteArray((ReadOnlySpan<ushort>)VmStateSpans.ForSave(s.GetArray16!(ref obj), s.Start, s.Length));
                    break;
                case StepKind.Array32:
                    writer.WriteArray((ReadOnlySpan<uint>)VmStateSpans.ForSave(s.GetArray32!(ref obj), s.Start, s.Length));
                    break;
                case StepKind.Array64:
                    writer.WriteArray((ReadOnlySpan<ulong>)VmStateSpans.ForSave(s.GetArray64!(ref obj), s.Start, s.Length));
                    break;
                case StepKind.BoolArray:
                    writer.WriteArray((ReadOnlySpan<bool>)VmStateSpans.ForSave(s.GetBools!(ref obj), s.Start, s.Length));
                    break;
                case StepKind.Zeros:
                    writer.WriteZeros(s.Length);
                    break;
                case StepKind.Validate:
                    break;
                default:
                    s.Child!.Save(ref obj, ref writer);
                    break;
            }
        }

        Body<TObj>[] subsections = Subsections;
        for (int i = 0; i < subsections.Length; i++)
        {
            Body<TObj> sub = subsections[i];
            if (writer.SaveAllSubsections || sub.Needed is null || sub.Needed(ref obj, sub.Version))
            {
                writer.WriteBytes(sub.Header);
                sub.Save(ref obj, ref writer);
            }
        }
    }

    public void Load(ref TObj obj, ref VmStateReader reader, int versionId)
    {
        if (versionId > Version || versionId < MinimumVersion)
        {
            GeneratedThrow.VersionOutOfRange(versionId, Version, MinimumVersion, reader.Position);
        }

        PreLoad?.Invoke(ref obj, versionId);
        Step<TObj>[] steps = Steps;
        for (int i = 0; i < steps.Length; i++)
        {
            Step<TObj> s = steps[i];
            if (s.Exists is { } exists ? !exists(ref obj, versionId) : versionId < s.Since)
            {
                continue;
            }

            switch (s.Kind)
            {
                case StepKind.Scalar8:
                    s.SetScalar!(ref obj, reader.ReadUInt8());
                    break;
                case StepKind.Scalar16:
                    s.SetScalar!(ref obj, reader.ReadUInt16());
                    break;
                case StepKind.Scalar32:
                    s.SetScalar!(ref obj, reader.ReadUInt32());
                    break;
                case StepKind.Scalar64:
                    s.SetScalar!(ref obj, reader.ReadUInt64());
                    break;
                case StepKind.Bytes:
                    reader.ReadBytes(VmStateSpans.ForLoad(s.GetBytes!(ref obj), s.Start, s.Length, reader.Position));
                    break;
                case StepKind.Array16:
                    reader.ReadArray(VmStateSpans.ForLoad(s.GetArray16!(ref obj), s.Start, s.Length, reader.Position));
                    break;
                case StepKind.Array32:
                    reader.ReadArray(VmStateSpans.ForLoad(s.GetArray32!(ref obj), s.Start, s.Length, reader.Position));
                    break;
                case StepKind.Array64:
                    reader.ReadArray(VmStateSpans.ForLoad(s.GetArray64!(ref obj), s.Start, s.Length, reader.Position));
                    break;
                case StepKind.BoolArray:
                    reader.ReadArray(VmStateSpans.ForLoad(s.GetBools!(ref obj), s.Start, s.Length, reader.Position));
                    break;
                case StepKind.Zeros:
                    reader.Skip(s.Length);
                    break;
                case StepKind.Validate:
                    if (!s.Check!(ref obj, versionId))
                    {
                        GeneratedThrow.ValidationFailed(true, reader.Position);
                    }

                    break;
                default:
                    s.Child!.Load(ref obj, ref reader);
                    break;
            }
        }

        if (Subsections.Length > 0)
        {
            while (VmStateSubsections.TryReadHeader(ref reader, Name, SubsectionNames, out int index, out int subVersion))
            {
                Subsections[index].Load(ref obj, ref reader, subVersion);
            }
        }

        if (PostLoad is { } post && !post(ref obj, versionId))
        {
            GeneratedThrow.HookFailed("post-load", true, reader.Position);
        }
    }
}

/// <summary>A nested description (QEMU's VMS_STRUCT), one value or a fixed array, recursing into its own plan.</summary>
internal sealed class StructStep<TObj, TChild>(Body<TChild> plan, RefGetter<TObj, TChild>? get, RefSetter<TObj, TChild>? set,
    RefGetter<TObj, TChild[]>? getArray, int start, int length) : ChildStep<TObj>
{
    public override void Save(ref TObj obj, ref VmStateWriter writer)
    {
        if (getArray is null)
        {
            TChild child = get!(ref obj);
            NotNull(child);
            plan.Save(ref child, ref writer);
            return;
        }

        Span<TChild> items = VmStateSpans.ForSave(getArray(ref obj), start, length);
        for (int i = 0; i < items.Length; i++)
        {
            ref TChild child = ref items[i];
            NotNull(child);
            plan.Save(ref child, ref writer);
        }
    }

    public override void Load(ref TObj obj, ref VmStateReader reader)
    {
        // A nested description is read at its own current version, as QEMU's VMS_STRUCT does.
        if (getArray is null)
        {
            TChild child = get!(ref obj);
            NotNull(child);
            plan.Load(ref child, ref reader, plan.Version);
            set?.Invoke(ref obj, child);
            return;
        }

        Span<TChild> items = VmStateSpans.ForLoad(getArray(ref obj), start, length, reader.Position);
        for (int i = 0; i < items.Length; i++)
        {
            ref TChild child = ref items[i];
            NotNull(child);
            plan.Load(ref child, ref reader, plan.Version);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NotNull(TChild child)
    {
        // The value-type test first: in code shared over a class TObj a bare 'child is null' boxed struct children.
        if (!typeof(TChild).IsValueType && child is null)
        {
            VmStateThrow.SaveFailed("Nested state is null");
        }
    }
}

/// <summary>A tmp (QEMU's VMSTATE_WITH_TMP): filled from the parent before save, applied to it after load.</summary>
internal sealed class TmpStep<TObj, TTmp>(Body<TTmp> plan, RefGetter<TObj, TTmp> get, RefSetter<TObj, TTmp>? set) : ChildStep<TObj>
    where TTmp : Description.IVmStateTmp<TObj>
{
    public override void Save(ref TObj obj, ref VmStateWriter writer)
    {
        TTmp tmp = get(ref obj);
        tmp.FromParent(in obj);
        plan.Save(ref tmp, ref writer);
    }

    public override void Load(ref TObj obj, ref VmStateReader reader)
    {
        TTmp tmp = get(ref obj);
        plan.Load(ref tmp, ref reader, plan.Version);
        tmp.ToParent(ref obj);
        set?.Invoke(ref obj, tmp);
    }
}

/// <summary>A value written by a codec of its own (QEMU's info->put/get): int32 le, timer, pci config, ...</summary>
internal sealed class CodecStep<TObj, TCodec, TValue>(RefGetter<TObj, TValue> get, RefSetter<TObj, TValue>? set) : ChildStep<TObj>
    where TCodec : Codecs.IVmStateCodec<TCodec, TValue>
{
    public override void Save(ref TObj obj, ref VmStateWriter writer) => TCodec.Save(ref writer, get(ref obj));

    public override void Load(ref TObj obj, ref VmStateReader reader)
    {
        TValue value = get(ref obj);
        TCodec.Load(ref reader, ref value);

        // A reference value without a setter (a get-only byte[]) was loaded in place.
        set?.Invoke(ref obj, value);
    }
}

/// <summary>A fixed array of values written by a codec of its own, through its array entry points.</summary>
internal sealed class CodecArrayStep<TObj, TCodec, TValue>(RefGetter<TObj, TValue[]> get, int start, int length) : ChildStep<TObj>
    where TCodec : Codecs.IVmStateCodec<TCodec, TValue>
{
    public override void Save(ref TObj obj, ref VmStateWriter writer) =>
        TCodec.SaveArray(ref writer, VmStateSpans.ForSave(get(ref obj), start, length));

    public override void Load(ref TObj obj, ref VmStateReader reader) =>
        TCodec.LoadArray(ref reader, VmStateSpans.ForLoad(get(ref obj), start, length, reader.Position));
}
