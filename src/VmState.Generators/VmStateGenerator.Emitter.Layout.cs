using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// What a field looks like to the code that handles it, decided once (<see cref="LayoutOf"/>) for every role:
        /// save, load, describe, reset and metadata each render one case per layout, from the expressions below.
        /// </summary>
        private enum Layout
        {
            /// <summary>One value through its codec.</summary>
            Value,
            /// <summary>A fixed or variable array of values through the codec's array members.</summary>
            ValueArray,
            /// <summary>Raw bytes of a <c>byte[]</c>.</summary>
            Buffer,
            /// <summary>Zeros out, skipped in.</summary>
            Padding,
            /// <summary>One nested described type.</summary>
            Struct,
            /// <summary>An array of nested described types.</summary>
            StructArray,
            /// <summary>A temporary described type, filled from the parent and applied to it.</summary>
            Tmp,
            /// <summary>A check that transfers nothing.</summary>
            Check,
        }

        private static Layout LayoutOf(FieldSpec f) => f.Kind switch
        {
            FieldKind.Value => f.Shape == FieldShape.Single ? Layout.Value : Layout.ValueArray,
            FieldKind.Buffer => Layout.Buffer,
            FieldKind.Unused => Layout.Padding,
            FieldKind.Struct => f.Shape == FieldShape.Single ? Layout.Struct : Layout.StructArray,
            FieldKind.Tmp => Layout.Tmp,
            _ => Layout.Check,
        };

        // Expressions every role shares.

        // The value a field saves and loads; a path's checks report the load's offset, or none on save.
        private static string Member(FieldSpec f, string offset = "-1") =>
            f.Access is { } access ? access.Replace("{offset}", offset) : "this." + f.MemberName;

        /// <summary>The elements to save (a checked slice of the member), as a span.</summary>
        private static string SaveSpan(FieldSpec f) =>
            $"{KnownTypes.VmStateSpans}.ForSave({Member(f)}, {Str(f.Start)}, {SaveCount(f)})";

        private static string SaveCount(FieldSpec f) => f.Shape == FieldShape.Variable
            ? $"{KnownTypes.VmStateSpans}.CountForSave(this.{f.CountMember})"
            : Str(f.Length);

        /// <summary>
        /// The <c>type</c> of the field's entries in VMDESCRIPTION and metadata: a codec's own name (the runtime's
        /// codecs and a user's alike); for the other layouts the runtime's constant, which metadata leaves to its
        /// default.
        /// </summary>
        private static string TypeName(FieldSpec f) => LayoutOf(f) is Layout.Value or Layout.ValueArray
            ? f.Codec + ".TypeName"
            : KnownTypes.VmStateTypeNames + "." + f.Kind switch
            {
                FieldKind.Buffer => "Buffer",
                FieldKind.Unused => "UnusedBuffer",
                FieldKind.Struct => "Struct",
                FieldKind.Tmp => "Tmp",
                _ => "Validate",
            };

        /// <summary>Bytes of one value, by its codec.</summary>
        private static string CodecSize(FieldSpec f) => f.Codec + ".Size";

        /// <summary>The type the codec works on: an enum's underlying type, else the element type.</summary>
        private static string WireType(FieldSpec f) => f.CastTo ?? f.ElementType!;

        /// <summary>A span of elements as the codec's type: enums are reinterpreted, not converted one by one.</summary>
        private static string WireSpan(FieldSpec f, string span) =>
            f.CastTo is null ? span : $"{KnownTypes.MemoryMarshal}.Cast<{f.ElementType}, {f.CastTo}>({span})";

        private static string Cast(FieldSpec f, string expression) => f.CastTo is null ? expression : "(" + f.CastTo + ")" + expression;

        private static string BackCast(FieldSpec f) => f.CastTo is null ? "" : "(" + f.ElementType + ")";

        /// <summary>A nested object to save: a class must not be null; a struct property is read once.</summary>
        private static string SaveTarget(FieldSpec f, string m, bool property) =>
            !f.ElementIsValueType ? $"{KnownTypes.VmStateSpans}.NotNullForSave({m})" : property ? "(" + m + ")" : m;

        /// <summary>A nested object to load into: a missing class instance is created when it can be.</summary>
        private static string LoadTarget(FieldSpec f, string m) =>
            f.ElementIsValueType ? m
            : f.CanWrite && f.ElementHasDefaultConstructor ? $"({m} ??= new {f.ElementType}())"
            : $"{KnownTypes.VmStateSpans}.NotNullForLoad({m}, reader.Position)";
    }
}
