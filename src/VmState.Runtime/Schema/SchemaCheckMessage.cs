namespace VmState.Schema;

/// <summary>One message of <see cref="SchemaChecker"/>, worded exactly as QEMU's script prints it.</summary>
/// <param name="Kind">The rule that produced it.</param>
/// <param name="Text">The printed text, without the line end.</param>
public sealed record SchemaCheckMessage(SchemaCheckMessageKind Kind, string Text)
{
    /// <summary>Whether it counts as an error, is a warning, or is an unfinished line.</summary>
    public SchemaCheckSeverity Severity => Kind switch
    {
        SchemaCheckMessageKind.MachineTypeMismatch => SchemaCheckSeverity.Warning,
        SchemaCheckMessageKind.VersionTooOldUnfinished => SchemaCheckSeverity.Fragment,
        _ => SchemaCheckSeverity.Error,
    };

    /// <summary>The text as the script writes it: with a line end, except for a fragment.</summary>
    public string Printed => Severity == SchemaCheckSeverity.Fragment ? Text : Text + "\n";
}
