namespace VmState.Schema;

/// <summary>How a message of <see cref="SchemaChecker"/> counts.</summary>
public enum SchemaCheckSeverity
{
    /// <summary>A migration incompatibility; counted in the exit code.</summary>
    Error,

    /// <summary>Printed but not counted (the machine types differ).</summary>
    Warning,

    /// <summary>
    /// Text QEMU's script prints without ending the line and without counting it: the start of its section-level
    /// minimum-version message, whose rest it never prints. The next message continues on the same line.
    /// </summary>
    Fragment,
}
