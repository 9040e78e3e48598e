using System.Globalization;
using System.Text.Json;

namespace VmState.Schema;

/// <summary>
/// A parsed <c>-dump-vmstate</c> file (QEMU's or <see cref="DumpVmStateWriter"/>'s), the input of
/// <see cref="SchemaChecker"/>. Parsing only checks that the text is JSON with an object at the top; the checker
/// checks the rest as it reads, so it accepts exactly the shapes QEMU's script gets through.
/// </summary>
public sealed class DumpVmStateDocument
{
    // System.Text.Json's default; it bounds the checker's recursion too, whatever the input.
    private const int MaxDepth = 64;

    private DumpVmStateDocument(string name, DumpValue root)
    {
        Name = name;
        Root = root;
    }

    /// <summary>How errors name this dump (usually its file name).</summary>
    public string Name { get; }

    /// <summary>The section names (device types, and <c>vmschkmachine</c>) in file order.</summary>
    public IReadOnlyList<string> Sections => Root.Keys;

    internal DumpValue Root { get; }

    /// <summary>Parses UTF-8 JSON text.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="name">How errors name the dump.</param>
    /// <exception cref="VmStateSchemaException">Not JSON, nested deeper than 64, or not an object at the top.</exception>
    public static DumpVmStateDocument Parse(ReadOnlyMemory<byte> utf8Json, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Build(name, () => JsonDocument.Parse(utf8Json, Options));
    }

    /// <summary>Parses JSON text.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="name">How errors name the dump.</param>
    /// <exception cref="VmStateSchemaException">Not JSON, nested deeper than 64, or not an object at the top.</exception>
    public static DumpVmStateDocument Parse(string json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(name);
        return Build(name, () => JsonDocument.Parse(json, Options));
    }

    /// <summary>Reads and parses a file; errors name it by <paramref name="path"/> as given.</summary>
    /// <exception cref="VmStateSchemaException">The file is not a dump.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DumpVmStateDocument ReadFile(string path) => Parse(File.ReadAllBytes(path), path);

    private static JsonDocumentOptions Options => new() { MaxDepth = MaxDepth };

    private static DumpVmStateDocument Build(string name, Func<JsonDocument> parse)
    {
        JsonDocument document;
        try
        {
            document = parse();
        }
        catch (JsonException e)
        {
            // The parser's positions count from zero.
            string where = e.LineNumber is long line && e.BytePositionInLine is long column
                ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, byte {column + 1}")
                : "";
            throw new VmStateSchemaException(name, "", "not valid JSON" + where + ": " + FirstSentence(e.Message), e);
        }

        using (document)
        {
            return new DumpVmStateDocument(name, DumpValue.FromDocument(document.RootElement, name));
        }
    }

    // System.Text.Json appends "Path: … | LineNumber: … | BytePositionInLine: …", which the caller words itself.
    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }
}
