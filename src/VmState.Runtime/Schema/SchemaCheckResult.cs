using System.Text;

namespace VmState.Schema;

/// <summary>What <see cref="SchemaChecker"/> found, in the order QEMU's script prints it.</summary>
public sealed class SchemaCheckResult
{
    // The script's exit status is its error count, stopped at 255 so that the shell's 8 bits never wrap to 0.
    private const int MaxExitCode = 255;

    internal SchemaCheckResult(IReadOnlyList<SchemaCheckMessage> messages)
    {
        Messages = messages;
        ErrorCount = messages.Count(m => m.Severity == SchemaCheckSeverity.Error);
    }

    /// <summary>Every message in print order.</summary>
    public IReadOnlyList<SchemaCheckMessage> Messages { get; }

    /// <summary>The number of errors (warnings and fragments do not count).</summary>
    public int ErrorCount { get; }

    /// <summary>The script's exit code: <see cref="ErrorCount"/>, at most 255; 0 means compatible.</summary>
    public int ExitCode => Math.Min(ErrorCount, MaxExitCode);

    /// <summary>True when there is no error.</summary>
    public bool IsCompatible => ErrorCount == 0;

    /// <summary>The script's standard output, byte for byte (<c>\n</c> line ends).</summary>
    public string Output
    {
        get
        {
            var sb = new StringBuilder();
            foreach (SchemaCheckMessage m in Messages)
            {
                sb.Append(m.Printed);
            }

            return sb.ToString();
        }
    }
}
