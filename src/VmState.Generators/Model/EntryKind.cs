namespace VmState.Generators.Model;

/// <summary>Mirrors the runtime's <c>VmStateFieldKind</c>.</summary>
internal enum EntryKind
{
    Value,
    Buffer,
    Unused,
    Struct,
    Tmp,
    Validate,
}

/// <summary>How many elements an entry has.</summary>
internal enum EntryShape
{
    /// <summary>One value (or one buffer of <c>Length</c> bytes).</summary>
    Single,
    /// <summary>A fixed array of <c>Length</c> elements (a buffer: <c>Length</c> bytes).</summary>
    Fixed,
    /// <summary>A count taken from another member.</summary>
    Variable,
}
