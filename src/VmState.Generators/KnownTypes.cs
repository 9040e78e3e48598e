namespace VmState.Generators;

/// <summary>
/// Every runtime (and framework) name the generator refers to, in one place: <c>global::</c>-qualified names the
/// emitter writes, and in <see cref="Metadata"/> the names the parser matches symbols against. The codec classes
/// are named only in <see cref="CodecTable"/>, the one home of the C# type → value kind choice.
/// </summary>
internal static class KnownTypes
{
    private const string Description = "global::VmState.Description.";
    private const string Wire = "global::VmState.Wire.";
    private const string Generated = "global::VmState.Generated.";

    /// <summary>The codecs' namespace, with the trailing dot; <see cref="CodecTable"/> appends class names.</summary>
    public const string Codecs = "global::VmState.Codecs.";

    public const string VmTimer = Codecs + "VmTimer";

    public const string VmStateWriter = Wire + "VmStateWriter";
    public const string VmStateReader = Wire + "VmStateReader";
    public const string VmStateException = Wire + "VmStateException";
    public const string QemuSectionType = Wire + "QemuSectionType";

    public const string IVmStateObject = Description + "IVmStateObject";
    public const string VmStateDescription = Description + "VmStateDescription";
    public const string VmStateFieldDescription = Description + "VmStateFieldDescription";
    public const string VmStateFieldKind = Description + "VmStateFieldKind";
    public const string VmStateTypeNames = Description + "VmStateTypeNames";
    public const string VmDescriptionWriter = Description + "VmDescriptionWriter";
    public const string MigrationPriority = Description + "MigrationPriority";

    public const string VmStateSpans = Generated + "VmStateSpans";
    public const string VmStateSubsections = Generated + "VmStateSubsections";
    public const string GeneratedThrow = Generated + "GeneratedThrow";
    public const string CodecArrays = Generated + "CodecArrays";

    public const string GeneratedCodeAttribute = "global::System.CodeDom.Compiler.GeneratedCode";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan";
    public const string Span = "global::System.Span";
    public const string ImmutableArray = "global::System.Collections.Immutable.ImmutableArray";
    public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    public const string MemoryExtensions = "global::System.MemoryExtensions";
    public const string Math = "global::System.Math";

    /// <summary>Metadata names (namespace, type name and generic arity), as the parser compares symbols with them.</summary>
    public static class Metadata
    {
        public const string VmStateAttribute = "VmState.Description.VmStateAttribute";
        public const string SubsectionAttribute = "VmState.Description.SubsectionAttribute";
        public const string VmStateFieldAttribute = "VmState.Description.VmStateFieldAttribute";
        public const string UnusedAttribute = "VmState.Description.UnusedAttribute";
        public const string ValidateAttribute = "VmState.Description.ValidateAttribute";
        public const string VmStateHookAttribute = "VmState.Description.VmStateHookAttribute";
        public const string NeededAttribute = "VmState.Description.NeededAttribute";
        public const string IVmStateTmp = "VmState.Description.IVmStateTmp`1";
        public const string MigrationPriority = "VmState.Description.MigrationPriority";
        public const string IVmStateCodec = "VmState.Codecs.IVmStateCodec`2";
        public const string IVmStateFixedCodec = "VmState.Codecs.IVmStateFixedCodec`2";
    }

    /// <summary>The hooks, named as their attributes are without the <c>Attribute</c> suffix (<c>PreSaveAttribute</c>).</summary>
    public static class Hooks
    {
        public const string PreSave = nameof(PreSave);
        public const string PostSave = nameof(PostSave);
        public const string PreLoad = nameof(PreLoad);
        public const string PostLoad = nameof(PostLoad);
        public const string Needed = nameof(Needed);
        public const string DevUnplugPending = nameof(DevUnplugPending);
    }
}
