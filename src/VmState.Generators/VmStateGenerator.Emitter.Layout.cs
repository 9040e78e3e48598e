using System.Linq;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// What a field looks like to the code that handles it, decided once (<see cref="LayoutOf"/>) for every role:
        /// save, load, describe, reset and metadata each render one case per layout.
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

        private static string Member(FieldSpec f) => "this." + f.MemberName;

        /// <summary>The elements to save (a checked slice of the member), as a span.</summary>
        private static string SaveSpan(FieldSpec f) =>
            $"{KnownTypes.VmStateSpans}.ForSave({Member(f)}, {Str(f.Start)}, {SaveCount(f)})";

        private static string SaveCount(FieldSpec f) => f.Shape == FieldShape.Variable
            ? $"{KnownTypes.VmStateSpans}.CountForSave(this.{f.CountMember})"
            : Str(f.Length);

        private static string ResetCount(FieldSpec f) => f.Shape == FieldShape.Variable ? "int.MaxValue" : Str(f.Length);

        // A kind's wire name and size are its codec's, for the runtime's codecs and a user's alike.
        private static string CodecTypeName(FieldSpec f) => f.Codec + ".TypeName";

        private static string CodecSize(FieldSpec f) => f.Codec + ".Size";

        /// <summary>The type name of a layout that is not a codec's (buffer, padding, nested description), a runtime constant.</summary>
        private static string LayoutTypeName(FieldSpec f) => KnownTypes.VmStateTypeNames + "." + f.Kind switch
        {
            FieldKind.Buffer => "Buffer",
            FieldKind.Unused => "UnusedBuffer",
            FieldKind.Struct => "Struct",
            FieldKind.Tmp => "Tmp",
            _ => "Validate",
        };

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

        /// <summary>The member name as part of a local's name.</summary>
        private static string Safe(FieldSpec f) => new string((f.MemberName ?? "x").Where(char.IsLetterOrDigit).ToArray());
    }
}
