using VmState.Schema;

namespace VmState.Fuzz;

/// <summary>
/// <see cref="DumpVmStateDocument.Parse(ReadOnlyMemory{byte}, string)"/> of the input, then
/// <see cref="SchemaChecker.Check(DumpVmStateDocument, DumpVmStateDocument)"/> of the input against a fixed dump
/// (QEMU's static-checker test dump <c>dump1.json</c>, embedded) and of that dump against the input. The documented
/// error is <see cref="VmStateSchemaException"/>.
/// </summary>
internal sealed class CheckJsonTarget : FuzzTarget
{
    private static readonly Lazy<DumpVmStateDocument> Fixed = new(() =>
        DumpVmStateDocument.Parse(FuzzResources.Read("dump1.json"), "dump1.json"));

    public override string Name => "check-json";

    public override bool IsTypedError(Exception error) => error is VmStateSchemaException;

    public override void Prepare() => _ = Fixed.Value;

    public override void Run(ReadOnlySpan<byte> input)
    {
        DumpVmStateDocument dump = DumpVmStateDocument.Parse(input.ToArray(), "fuzz");
        DumpVmStateDocument other = Fixed.Value;
        SchemaChecker.Check(dump, other);
        SchemaChecker.Check(other, dump);
        SchemaChecker.Check(dump, dump);
    }
}
