namespace VmState.Generators.Model;

/// <summary>How many elements a field has.</summary>
internal enum FieldShape
{
    /// <summary>One value (or one buffer of <c>Length</c> bytes).</summary>
    Single,
    /// <summary>A fixed array of <c>Length</c> elements (a buffer: <c>Length</c> bytes).</summary>
    Fixed,
    /// <summary>A count taken from another member.</summary>
    Variable,
}
