using VmState.Wire;

namespace VmState.Schema;

/// <summary>
/// A <c>-dump-vmstate</c> file cannot be checked: it is not JSON, or a value the checker needs is missing or of the
/// wrong kind. The message names the file, the JSON path (<c>$.e1000.Description.Fields[3]</c>) and what is wrong.
/// </summary>
public sealed class VmStateSchemaException : VmStateException
{
    /// <summary>Creates a schema error.</summary>
    /// <param name="dumpName">The name the dump was given (usually its file name).</param>
    /// <param name="jsonPath">Where in the document; empty when the error is about the whole text.</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="inner">The parser's error, if any.</param>
    public VmStateSchemaException(string dumpName, string jsonPath, string reason, Exception? inner = null)
        : base(reason, -1, inner)
    {
        DumpName = dumpName;
        JsonPath = jsonPath;
    }

    /// <summary>The name the dump was given (usually its file name).</summary>
    public string DumpName { get; }

    /// <summary>Where in the document the problem is (<c>$</c> is the top level); empty for a parse error.</summary>
    public string JsonPath { get; }

    /// <inheritdoc />
    public override string Message => JsonPath.Length == 0
        ? DumpName + ": " + Reason
        : DumpName + ": " + JsonPath + ": " + Reason;
}
