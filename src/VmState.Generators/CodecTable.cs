using System;
using System.Linq;

namespace VmState.Generators;

/// <summary>
/// Which codec a value member gets when it names none: the only place in the generator that ties a C# type to a
/// value kind. Everything else about a kind (its wire name, size and bytes) lives in its codec, and the generated
/// code asks the codec (<c>Codec.TypeName</c>, <c>Codec.Size</c>). A new kind is a codec file in the runtime,
/// used with <c>Codec = typeof(...)</c>, plus at most one row here to make it a C# type's default.
/// </summary>
/// <remarks>
/// Types are keyed as <c>SymbolDisplayFormat.FullyQualifiedFormat</c> writes them (keywords for the built-in
/// types); an enum is looked up by its underlying type.
/// </remarks>
internal static class CodecTable
{
    /// <summary>The kind a member of the type has by default.</summary>
    public static readonly CodecRow[] Plain =
    [
        new("bool", "BoolCodec", 1),
        new("sbyte", "Int8Codec", 1),
        new("byte", "UInt8Codec", 1),
        new("short", "Int16Codec", 2),
        new("ushort", "UInt16Codec", 2),
        new("int", "Int32Codec", 4),
        new("uint", "UInt32Codec", 4),
        new("long", "Int64Codec", 8),
        new("ulong", "UInt64Codec", 8),
        new("double", "Float64Codec", 8),
        new(KnownTypes.VmTimer, "TimerCodec", 8),
    ];

    /// <summary><c>Equal = true</c>: the load fails unless the incoming value equals the local one (QEMU's <c>*_EQUAL</c>).</summary>
    public static readonly CodecRow[] Equal =
    [
        new("byte", "UInt8EqualCodec", 1),
        new("ushort", "UInt16EqualCodec", 2),
        new("uint", "UInt32EqualCodec", 4),
        new("int", "Int32EqualCodec", 4),
        new("ulong", "UInt64EqualCodec", 8),
    ];

    /// <summary><c>PositiveLe = true</c>: QEMU's <c>INT32_POSITIVE_LE</c>.</summary>
    public static readonly CodecRow[] PositiveLe =
    [
        new("int", "Int32LeCodec", 4),
    ];

    /// <summary>
    /// The runtime's codecs no C# type gets by default (users name them with <c>Codec = typeof(...)</c>), listed for
    /// their sizes; <see cref="Find"/> is never asked about this table.
    /// </summary>
    public static readonly CodecRow[] Named =
    [
        new("double", "CpuDoubleCodec", 8),
    ];

    /// <summary>The codec for <paramref name="type"/> in <paramref name="table"/>, <c>global::</c>-qualified; null when it has none.</summary>
    public static string? Find(CodecRow[] table, string type) =>
        table.FirstOrDefault(r => string.Equals(r.Type, type, StringComparison.Ordinal))?.Codec;

    /// <summary>
    /// True for the runtime's codecs that implement <c>IVmStateFixedCodec</c> (every plain one but the timer): the
    /// generated code writes runs of them at constant offsets. A user's codec is asked through its interfaces.
    /// </summary>
    public static bool IsFixed(string codec) =>
        Plain.Any(r => r.Codec == codec) && !codec.EndsWith(".TimerCodec", StringComparison.Ordinal);

    /// <summary>
    /// Bytes of one element the codec <paramref name="codec"/> (<c>global::</c>-qualified) writes, when it is one of the
    /// runtime's rows; null for a user's codec, whose size only it knows. The compatibility analyzer compares it with a
    /// shipped size.
    /// </summary>
    public static int? SizeOf(string codec)
    {
        foreach (CodecRow[] table in new[] { Plain, Equal, PositiveLe, Named })
        {
            foreach (CodecRow row in table)
            {
                if (string.Equals(row.Codec, codec, StringComparison.Ordinal))
                {
                    return row.Size;
                }
            }
        }

        return null;
    }

    /// <summary>The types of <paramref name="table"/> for a diagnostic: <c>byte, ushort and uint</c>.</summary>
    public static string Describe(CodecRow[] table) => table.Length == 1
        ? table[0].Type
        : string.Join(", ", table.Take(table.Length - 1).Select(r => r.Type)) + " and " + table[table.Length - 1].Type;
}

/// <summary>One row of <see cref="CodecTable"/>: a C# type, the runtime codec class that handles it and the bytes one value takes.</summary>
internal sealed record CodecRow(string Type, string CodecClass, int Size)
{
    /// <summary>The codec, <c>global::</c>-qualified.</summary>
    public string Codec => KnownTypes.Codecs + CodecClass;
}
