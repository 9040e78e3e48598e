namespace VmState.Analysis;

/// <summary>
/// Whose <c>scripts/analyze-migration.py</c> the analyzer's output equals. The two releases read the same bytes but
/// build different trees from struct arrays and repeated field names.
/// </summary>
public enum AnalyzerRules
{
    /// <summary>
    /// QEMU 10.0's rules for a stream whose VMDESCRIPTION describes its configuration section (written by QEMU 8.2 or
    /// later, whose writer leaves <c>"index"</c> off the last element of a struct array), QEMU 7.2's otherwise.
    /// </summary>
    FromStream = 0,

    /// <summary>
    /// QEMU 7.2's script: an element with <c>"index"</c> joins a list and must be the next one; a name met again
    /// replaces its value; <c>nullptr</c> values print as bytes.
    /// </summary>
    Qemu72,

    /// <summary>
    /// QEMU 10.0's script: the first value of a name stands alone and a second one turns it into a list that later
    /// ones join (so an array of one element is that element); <c>"index"</c> is not looked at; a <c>nullptr</c>
    /// value must be the byte <c>'0'</c> and prints as <c>nullptr</c>.
    /// </summary>
    Qemu10,
}
